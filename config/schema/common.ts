// Building blocks shared by every workload's schema. Pure: zod and our own modules only.
import { z } from "zod";
import { formatCpu, formatMemory, tryParseQuantity, toBytes, toMillicores } from "../../model/quantity";
import { dns1123SubdomainProblem, envVarNameProblem, parseImageReference } from "../../model/k8s-rules";
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

/**
 * Where zero is meaningless, a zero quantity is refused on the key it was typed on: Kubernetes reads a zero
 * limit as no limit (so tuning derived from it would be for nothing), and a zero size holds nothing.
 * The plain parsers (cpu(), memory()) take zero; limits and sizes opt out.
 */
export interface QuantityRule {
  /** The message for a zero, or "allowed". @default "allowed" */
  zero?: "allowed" | string;
}

function quantity<T>(kind: string, convert: (s: string) => T, rule: QuantityRule = {}) {
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
      if (parsed.value.num === 0n && rule.zero !== undefined && rule.zero !== "allowed") {
        ctx.addIssue({ code: "custom", message: rule.zero, input });
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
export const cpu = (rule?: QuantityRule) => quantity<Millicores>("cpu", toMillicores, rule);
/** A memory quantity (`512Mi`, `1Gi`, `1e9`) as integer bytes, rounded up like Value(). */
export const memory = (rule?: QuantityRule) => quantity<Bytes>("memory", toBytes, rule);
/** A request may be zero (the scheduler reserves nothing). */
export const request = { cpu: () => cpu(), memory: () => memory() };
/** A volume, emptyDir or buffer size: zero holds nothing (and a claim of zero the API server refuses). */
export const size = () => memory({ zero: "must be more than zero: nothing fits in it" });
/** A limit of zero is no limit to Kubernetes; the tuning derives from the limit (`derived: false` for extras). */
const ZERO_LIMIT = "must be more than zero: Kubernetes reads a zero limit as no limit";
const LIMIT: QuantityRule = { zero: `${ZERO_LIMIT}, and the tuning is derived from it` };
export const limit = { cpu: () => cpu(LIMIT), memory: () => memory(LIMIT) };
export const plainLimit = { cpu: () => cpu({ zero: ZERO_LIMIT }), memory: () => memory({ zero: ZERO_LIMIT }) };

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
type Amounts = { cpu?: unknown; memory?: unknown } | undefined;

/**
 * A request above its limit (the API server rejects the pod), as an issue at requests.<resource>; a value
 * that is not a parsed number has failed its own check already and is passed over.
 */
export function requestsOverLimits(r: { requests?: Amounts; limits?: Amounts }) {
  const shown = { cpu: (v: number) => formatCpu(v as Millicores), memory: (v: number) => formatMemory(v as Bytes) };
  return (["cpu", "memory"] as const).flatMap((key) => {
    const req = r.requests?.[key];
    const lim = r.limits?.[key];
    if (typeof req !== "number" || typeof lim !== "number" || !(req > lim)) return [];
    return [{ code: "custom" as const, path: ["requests", key], message: `request is larger than limits.${key} ${shown[key](lim)}`, input: shown[key](req) }];
  });
}

export function resources(d: ResourceDefaults) {
  const requests =
    d.requests.memory === undefined
      ? z.strictObject({ cpu: request.cpu().prefault(d.requests.cpu), memory: request.memory().optional() }).prefault({})
      : z.strictObject({ cpu: request.cpu().prefault(d.requests.cpu), memory: request.memory().prefault(d.requests.memory) }).prefault({});
  const limits = z.strictObject({ cpu: limit.cpu().prefault(d.limits.cpu), memory: limit.memory().prefault(d.limits.memory) }).prefault({});
  return z
    .strictObject({ requests, limits })
    .check(
      z.superRefine(
        (r, ctx) => {
          for (const issue of requestsOverLimits(r)) ctx.addIssue(issue);
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

/**
 * Why an image reference is not pinned, or undefined when it is (a tag other than `latest`, or a digest).
 * The grammar is distribution/reference's (model/k8s-rules.ts), which the kubelet parses images with.
 */
export function unpinnedReason(ref: string): string | undefined {
  const parsed = parseImageReference(ref);
  if (typeof parsed === "string") return parsed;
  if (parsed.digest !== undefined) return undefined;
  if (parsed.tag === undefined) return "has no tag: pin a version tag or a digest";
  if (parsed.tag === "latest") return "uses the tag `latest`: pin a version tag or a digest";
  return undefined;
}

export const pinnedImage = () =>
  z.string().superRefine((ref, ctx) => {
    const why = unpinnedReason(ref);
    if (why) ctx.addIssue({ code: "custom", message: `image ${why}`, input: ref });
  });

/** A URL path for an HTTP probe. */
export const httpPath = () => z.string().regex(/^\/[\x21-\x7e]*$/, { error: "must be a URL path starting with /" });

/** A rule from model/k8s-rules.ts as a zod string check, reported on the key with the value. */
export const k8sString = (rule: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const why = rule(v);
    if (why) ctx.addIssue({ code: "custom", message: why, input: v });
  });

/** A container's variable name, by apimachinery's IsEnvVarName (`MY_ENV.NAME` and `my-env` are valid). */
export const envName = () => k8sString(envVarNameProblem);

/**
 * Plain variables. A value is a string: YAML's `8080` or `true` are refused rather than silently turned
 * into text. Which names rightsize sets, and which values are credentials, are checked per component.
 */
export const envMap = () => z.record(envName(), z.string()).prefault({});

/**
 * A credential. Parsed into a Secret that never prints itself; whether prod stores it encrypted is
 * checked against the stack file in checks.ts.
 */
export const secretString = (minLength = 12) =>
  // The value is never echoed back in an error, whatever is wrong with it.
  z.unknown().transform((v, ctx): Secret => {
    if (typeof v !== "string") {
      // A missing value has nothing to show; anything else shows only a mask.
      // YAML's `password:` with nothing after it (null) is as missing as no key at all.
      if (v === undefined || v === null) ctx.addIssue({ code: "custom", message: "is required" });
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
  /** A claim's storage request; the API server refuses zero for a claim's storage. */
  size: size().prefault(defaultSize),
  /** A StorageClass name; unset uses the cluster's default class. */
  storageClassName: k8sString(dns1123SubdomainProblem).optional(),
});
export const persistentVolume = (defaultSize: string) => z.strictObject(volumeShape(defaultSize)).prefault({});
export type PersistentVolume = z.output<ReturnType<typeof persistentVolume>>;
