// `extras.<name>`: small services that need no derived tuning (Flower, Mailpit, a frontend, other app
// services). Same contract as every workload: a pinned image, and resources and probes are required.
import { z } from "zod";
import { configMapKeyProblem, dns1123SubdomainProblem, mountPathProblem, normalMountPath, portNameProblem } from "../../model/k8s-rules";
import { envMap, envName, httpPath, k8sString, plainLimit, pinnedImage, replicas, request, requestsOverLimits, secondsField, size } from "./common";

const port = () => z.number().int().min(1).max(65535);
const portName = k8sString(portNameProblem);
/** A Secret's name (a DNS subdomain) and one of its keys, as `secretKeyRef` takes them. */
const secretName = k8sString(dns1123SubdomainProblem);
const secretKey = k8sString(configMapKeyProblem);

/** One probe: exactly one of an HTTP path, a TCP check or a command, with its timing. */
const probeSchema = z
  .strictObject({
    path: httpPath().optional(),
    tcp: z.literal(true).optional(),
    exec: z.array(z.string().min(1)).min(1).optional(),
    /** Port number or name for path/tcp. @default the service's `port` */
    port: z.union([port(), portName], { error: "must be a port number (1 to 65535) or a port name" }).optional(),
    periodSeconds: secondsField(1, 3600).prefault(10),
    timeoutSeconds: secondsField(1, 600).prefault(5),
    failureThreshold: z.number().int().min(1).max(1000).default(3),
    initialDelaySeconds: secondsField(0, 3600).optional(),
  })
  .superRefine((p, ctx) => {
    const kinds = [p.path !== undefined, p.tcp !== undefined, p.exec !== undefined].filter(Boolean).length;
    if (kinds !== 1) ctx.addIssue({ code: "custom", message: "must have exactly one of path, tcp: true or exec", input: p });
  });
export type ExtraProbe = z.output<typeof probeSchema>;

// No defaults: an extra's footprint is whatever its image needs, so the stack file has to say it.
const requiredResources = z
  .strictObject({ requests: z.strictObject({ cpu: request.cpu(), memory: request.memory() }), limits: z.strictObject({ cpu: plainLimit.cpu(), memory: plainLimit.memory() }) })
  .superRefine((r, ctx) => {
    for (const issue of requestsOverLimits(r)) ctx.addIssue(issue);
  });

export const extraSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    image: pinnedImage(),
    command: z.array(z.string()).min(1).optional(),
    args: z.array(z.string()).optional(),
    /** The main container port; the Service listens on it too. Without it there is no Service. */
    port: port().optional(),
    /** More named ports (e.g. Mailpit's SMTP next to its UI). */
    extraPorts: z.record(portName, port()).prefault({}),
    replicas: replicas().default(1),
    resources: requiredResources,
    probes: z.strictObject({ readiness: probeSchema, liveness: probeSchema, startup: probeSchema.optional() }),
    env: envMap(),
    /** Environment variables from existing Secrets; listed before `env`, so env may use `$(NAME)`. */
    secretEnv: z.record(envName(), z.strictObject({ secret: secretName, key: secretKey })).prefault({}),
    /** Its pods may reach the data layer and the browser service. */
    appClient: z.boolean().default(false),
    /** Who may connect: app clients only, any source (an entry point such as a frontend), or nobody. */
    allowFrom: z.enum(["app", "anywhere", "none"]).default("app"),
    uid: z.number().int().min(1).max(2 ** 31 - 1).default(10001),
    readOnlyRootFilesystem: z.boolean().default(true),
    /** emptyDirs where the image writes, path -> size limit. */
    writableDirs: z.record(k8sString(mountPathProblem), size()).prefault({ "/tmp": "64Mi" }),
    terminationGracePeriodSeconds: secondsField(0, 3600).prefault(30),
  })
  .superRefine((e, ctx) => {
    const probes: [string, ExtraProbe | undefined][] = [["readiness", e.probes.readiness], ["liveness", e.probes.liveness], ["startup", e.probes.startup]];
    for (const [name, p] of probes) {
      if (p && p.exec === undefined && p.port === undefined && e.port === undefined) {
        ctx.addIssue({ code: "custom", path: ["probes", name, "port"], message: "is required when the extra has no port", input: undefined });
      }
    }
    // Two mounts at one path are refused by the API server (validateVolumeMounts: "must be unique").
    const seen = new Map<string, string>();
    for (const dir of Object.keys(e.writableDirs)) {
      const other = seen.get(normalMountPath(dir));
      if (other !== undefined) ctx.addIssue({ code: "custom", path: ["writableDirs", dir], message: `is the same mount path as ${other}`, input: dir });
      else seen.set(normalMountPath(dir), dir);
    }
    // A name in both maps is two entries for one variable; the later (env) silently wins in Kubernetes.
    for (const name of Object.keys(e.env)) {
      if (name in e.secretEnv) ctx.addIssue({ code: "custom", path: ["env", name], message: "is also in secretEnv; the later entry would silently win, so keep one", input: undefined });
    }
    if (e.port !== undefined && Object.values(e.extraPorts).includes(e.port)) {
      ctx.addIssue({ code: "custom", path: ["extraPorts"], message: `repeats port ${e.port}`, input: e.extraPorts });
    }
  });
export type ExtraConfig = z.output<typeof extraSchema>;

export const extrasSchema = z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, { error: "must be a DNS label of at most 40 characters" }), extraSchema);
export type ExtrasConfig = z.output<typeof extrasSchema>;
