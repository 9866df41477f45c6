// Extras derive nothing from their limits; what is pure here is turning their config into probes and
// the checks that need the rest of the stack (names that would collide). No @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import type { StackConfig } from "../../config/schema";
import type { ExtraConfig, ExtraProbe } from "../../config/schema/extras";
import { MEILISEARCH, PLAYWRIGHT, PGBOUNCER, POSTGRES, REDIS } from "../shared/endpoints";
import type { Probe } from "../shared/probes";

/** Object names other components own; an extra with one of them would overwrite their objects. */
export const RESERVED_NAMES = ["web", PLAYWRIGHT.name, POSTGRES.name, PGBOUNCER.name, REDIS.broker.name, REDIS.cache.name, MEILISEARCH.name, "celery-beat", "celery-config"];

export function toProbe(p: ExtraProbe, defaultPort: number | undefined): Probe {
  const timing = {
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
  };
  if (p.exec) return { kind: "exec", command: p.exec, ...timing };
  // The schema guarantees a port when there is no exec.
  const port = p.port ?? defaultPort!;
  return p.path !== undefined ? { kind: "http", path: p.path, port, ...timing } : { kind: "tcp", port, ...timing };
}

/** The settings an extra records in its tuning annotation. */
export function extraTuning(e: ExtraConfig): Record<string, unknown> {
  return { image: e.image, ...(e.port !== undefined ? { port: e.port } : {}), replicas: e.replicas };
}

export function checkExtras(c: StackConfig): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const [name, e] of Object.entries(c.extras)) {
    if (RESERVED_NAMES.includes(name) || name.startsWith("celery-worker-")) {
      out.push(issue(`extras.${name}`, `the name is taken by a rightsize component (reserved: ${RESERVED_NAMES.join(", ")}, celery-worker-*)`));
    }
    for (const k of Object.keys(e.env)) {
      if (k in e.secretEnv) out.push(issue(`extras.${name}.env.${k}`, "is also in secretEnv; set it in one place", e.env[k]));
    }
  }
  return out;
}
