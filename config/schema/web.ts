import { z } from "zod";
import { autoscalerMin } from "../../model/rollout";
import { envMap, httpPath, memory, replicas, resources, secondsField, MAX_REPLICAS, unitMemory } from "./common";

/** `web`: Flask under gunicorn. Defaults are a production deployment's numbers, corrected where they broke. */
export const webSchema = z
  .strictObject({
    replicas: replicas().default(2),
    /** Container port; >= 1024 so the server needs no root. The Service always listens on 80. */
    port: z.number().int().min(1024).max(65535).default(8000),
    resources: resources({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }),
    /** WSGI entry point, `module:callable`. */
    app: z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(.*\))?$/, { error: "must be module:callable, e.g. app:app" }).default("app:app"),
    gunicorn: z
      .strictObject({
        /** Resident memory of one worker after imports (about 200 MB measured on a production app; recommend calibrates it from usage). */
        workerMemory: unitMemory("gunicorn workers").prefault("200Mi"),
        /** Resident memory of the gunicorn master process. */
        masterMemory: memory().prefault("64Mi"),
        /** Override of the derived worker count; checked against the memory limit. */
        workers: z.number().int().min(1).max(64).optional(),
        threads: z.number().int().min(1).max(64).default(1),
        timeout: secondsField(1, 3600).prefault(120),
        gracefulTimeout: secondsField(1, 3600).prefault(30),
        keepalive: secondsField(1, 300).prefault(5),
        maxRequests: z.number().int().min(0).max(1_000_000).default(1000),
        maxRequestsJitter: z.number().int().min(0).max(1_000_000).default(100),
        preloadApp: z.boolean().default(false),
      })
      .prefault({}),
    probes: z
      .strictObject({
        /** Readiness: may check backends; failing it only takes the pod out of the Service. */
        readinessPath: httpPath().default("/api/health"),
        /** Liveness: must touch no backend, or a database blip restarts every web pod. */
        livenessPath: httpPath().default("/livez"),
        /** Longest start (imports, migrations check) the startup probe waits for. */
        startupTimeout: secondsField(10, 3600).prefault(120),
      })
      .prefault({}),
    /**
     * SQLAlchemy's pool in each gunicorn worker process: web opens at most pods x workers x
     * (poolSize + maxOverflow) connections, which must fit postgres.maxConnections.
     */
    database: z
      .strictObject({
        poolSize: z.number().int().min(0).max(1000).default(5),
        maxOverflow: z.number().int().min(0).max(1000).default(5),
      })
      .prefault({}),
    autoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).max(MAX_REPLICAS).optional(),
        maxReplicas: z.number().int().min(1).max(MAX_REPLICAS),
        targetCPUUtilization: z.number().int().min(10).max(100).default(70),
      })
      .optional(),
    env: envMap(),
  })
  .superRefine((w, ctx) => {
    const atMost = [["maxRequestsJitter", "maxRequests"], ["gracefulTimeout", "timeout"]] as const;
    for (const [key, bound] of atMost) {
      const g = w.gunicorn;
      if (g[key] > g[bound]) ctx.addIssue({ code: "custom", path: ["gunicorn", key], message: `must not exceed gunicorn.${bound} ${g[bound]}`, input: g[key] });
    }
    const a = w.autoscaling;
    if (a) {
      const min = autoscalerMin(a.minReplicas, w.replicas);
      if (a.maxReplicas < min) {
        ctx.addIssue({
          code: "custom",
          path: ["autoscaling", "maxReplicas"],
          message: `must be at least minReplicas ${min}`,
          input: a.maxReplicas,
        });
      }
    }
  });
export type WebConfig = z.output<typeof webSchema>;
