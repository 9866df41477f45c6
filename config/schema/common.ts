// Building blocks shared by every workload's schema. Pure: zod and our own modules only.
import { z } from "zod";
import { formatCpu, formatMemory, tryParseQuantity, toBytes, toMillicores } from "../../model/quantity";
import { Secret } from "../secret";
import { type Bytes, type Millicores, type Seconds, seconds } from "../../model/units";

/** The most replicas any one workload may ask for: beyond it a typo (10000 for 10) is likelier than intent. */
export const MAX_REPLICAS = 500;

/**
 * `500m` of memory is 500 millibytes, which Kubernetes accepts and rounds up to 1 byte; nobody means it.
 * The slip is for `Mi`, so say that on the key it was typed on (otherwise the request-above-limit check
 * reports it on the other key, with the limit shown as 1).
 */
function milliBytes(text: string): string | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)m\s*$/.exec(text);
  return m ? `${JSON.stringify(text)} is ${m[1]} millibytes (m is milli, a thousandth); did you mean "${m[1]}Mi"?` : undefined;
}

function quantity<T>(kind: string, convert: (s: string) => T) {
  return z.union([z.string(), z.number()], { error: `must be a Kubernetes ${kind} quantity string such as ${kind === "cpu" ? '"500m" or "2"' : '"512Mi" or "1Gi"'}` })
    .transform((input, ctx): T => {
      const text = typeof input === "number" ? String(input) : input;
      const parsed = tryParseQuantity(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.error, input });
        return z.NEVER;
      }
      if (parsed.value.num < 0n) {
        ctx.addIssue({ code: "custom", message: `must not be negative`, input });
        return z.NEVER;
      }
      const milli = kind === "memory" ? milliBytes(text) : undefined;
      if (milli) {
        ctx.addIssue({ code: "custom", message: milli, input });
        return z.NEVER;
      }
      try {
        return convert(text);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message, input });
        return z.NEVER;
      }
    });
}

/** A CPU quantity (`500m`, `2`, `1.5`) as integer millicores, rounded up like MilliValue(). */
export const cpu = () => quantity<Millicores>("cpu", toMillicores);
/** A memory quantity (`512Mi`, `1Gi`, `1e9`) as integer bytes, rounded up like Value(). */
export const memory = () => quantity<Bytes>("memory", toBytes);

/**
 * The memory one unit costs (a gunicorn worker, a Celery child, a browser session), from which the count
 * that fits is derived as memory / cost: a cost of 0 would make that count infinite.
 */
export const unitMemory = (units: string) => memory().refine((b) => b > 0, { error: `must be more than 0: it divides the memory limit into ${units}` });

/** Whole seconds, as the branded type. */
export const secondsField = (min = 1, max = 7 * 24 * 3600) =>
  z.number().int().min(min).max(max).transform((n): Seconds => seconds(n));

export const replicas = () => z.number().int().min(0).max(MAX_REPLICAS);

export interface ResourceDefaults {
  /** Without `memory`, the memory request follows limits.memory (Guaranteed memory, for data stores). */
  requests: { cpu: string; memory?: string };
  limits: { cpu: string; memory: string };
}

/**
 * Kubernetes-shaped `resources`, every field optional with the component's default, so that
 * `pulumi config set --path web.resources.limits.memory 1Gi` changes one number and keeps the rest.
 * Requests may not exceed limits; the check runs after defaults are filled in. When the defaults give no
 * memory request, an unset request equals the (possibly edited) memory limit.
 */
export function resources(d: ResourceDefaults) {
  const pair = (def: { cpu: string; memory: string }) =>
    z.strictObject({ cpu: cpu().prefault(def.cpu), memory: memory().prefault(def.memory) }).prefault({});
  const requests =
    d.requests.memory === undefined
      ? z.strictObject({ cpu: cpu().prefault(d.requests.cpu), memory: memory().optional() }).prefault({})
      : pair({ cpu: d.requests.cpu, memory: d.requests.memory });
  const num = (v: unknown): v is number => typeof v === "number";
  return z
    .strictObject({ requests, limits: pair(d.limits) })
    .check(
      z.superRefine(
        (r, ctx) => {
          if (num(r.requests?.cpu) && num(r.limits?.cpu) && r.requests.cpu > r.limits.cpu) {
            ctx.addIssue({
              code: "custom",
              path: ["requests", "cpu"],
              message: `request is larger than limits.cpu ${formatCpu(r.limits.cpu)}`,
              input: formatCpu(r.requests.cpu),
            });
          }
          if (num(r.requests?.memory) && num(r.limits?.memory) && r.requests.memory > r.limits.memory) {
            ctx.addIssue({
              code: "custom",
              path: ["requests", "memory"],
              message: `request is larger than limits.memory ${formatMemory(r.limits.memory)}`,
              input: formatMemory(r.requests.memory),
            });
          }
        },
        // Run even when a sibling key is invalid, so every problem is reported at once.
        { when: () => true },
      ),
    )
    .transform((r) => ({
      requests: { cpu: r.requests.cpu, memory: (r.requests.memory ?? r.limits.memory) as Bytes },
      limits: r.limits,
    }))
    .prefault({});
}
export type Resources = z.output<ReturnType<typeof resources>>;

const digest = /@sha256:[0-9a-f]{64}$/;
const reference = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Why an image reference is not pinned, or undefined when it is (a tag other than `latest`, or a digest). */
export function unpinnedReason(ref: string): string | undefined {
  if (!reference.test(ref)) return "is not an image reference such as registry.example.com/app:1.4.2";
  if (digest.test(ref)) return undefined;
  const lastSlash = ref.lastIndexOf("/");
  const tagAt = ref.indexOf(":", lastSlash + 1);
  if (tagAt < 0) return "has no tag: pin a version tag or a digest";
  if (ref.slice(tagAt + 1) === "latest") return "uses the tag `latest`: pin a version tag or a digest";
  return undefined;
}

export const pinnedImage = () =>
  z.string().superRefine((ref, ctx) => {
    const why = unpinnedReason(ref);
    if (why) ctx.addIssue({ code: "custom", message: `image ${why}`, input: ref });
  });

/** A URL path for an HTTP probe. */
export const httpPath = () => z.string().regex(/^\/[\x21-\x7e]*$/, { error: "must be a URL path starting with /" });

export const envMap = () =>
  z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), z.string()).prefault({});

/**
 * A credential. Parsed into a Secret that never prints itself; whether prod stores it encrypted is
 * checked against the stack file in checks.ts.
 */
export const secretString = (minLength = 12) =>
  // The value is never echoed back in an error, whatever is wrong with it.
  z.unknown().transform((v, ctx): Secret => {
    if (typeof v !== "string") {
      // A missing value has nothing to show; anything else shows only a mask.
      if (v === undefined) ctx.addIssue({ code: "custom", message: "is required" });
      else ctx.addIssue({ code: "custom", message: "must be a string", input: "[secret]" });
      return z.NEVER;
    }
    if (v.length < minLength) {
      ctx.addIssue({ code: "custom", message: minLength === 1 ? "must not be empty" : `must be at least ${minLength} characters`, input: `[secret of ${v.length} characters]` });
      return z.NEVER;
    }
    return new Secret(v);
  });

/** A PersistentVolumeClaim template's settings: size and storage class (the cluster default when unset). */
export const volumeShape = (defaultSize: string) => ({
  size: memory().prefault(defaultSize),
  /** A StorageClass name; unset uses the cluster's default class. */
  storageClassName: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "must be a StorageClass name (a DNS subdomain)" })
    .optional(),
});
export const persistentVolume = (defaultSize: string) => z.strictObject(volumeShape(defaultSize)).prefault({});
export type PersistentVolume = z.output<ReturnType<typeof persistentVolume>>;
