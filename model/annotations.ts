// The names through which the program, the policy pack and the plan agree on what an object is. Pure:
// the components write these, the policies and tools read them, and each string is spelled once here.

/**
 * The annotations through which plan and the policy pack read a workload's identity and tuning, on the
 * workload object (Deployment, StatefulSet):
 * - component: one of COMPONENT;
 * - tuning: JSON of the derived settings keyed as the software spells them, valued as the software takes
 *   them (numbers where it takes numbers, its own unit strings such as Postgres' "384MB" where it takes
 *   those);
 * - role: what an instance is for where a component has several (Redis: broker, cache, shared);
 * - configKey: the dotted stack-config path of the workload.
 */
export const ANNOTATION = {
  component: "rightsize.io/component",
  tuning: "rightsize.io/tuning",
  role: "rightsize.io/role",
  /** The stack-config path that owns the workload (`celery.workers.default`), so tools map objects back to config. */
  configKey: "rightsize.io/config-key",
} as const;

/** On a pod template: a hash of the config it reads, so a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = "rightsize.io/config-sha256";

/** The component kinds, as the `rightsize.io/component` annotation and the selector labels spell them. */
export const COMPONENT = {
  web: "web",
  postgres: "postgres",
  pgbouncer: "pgbouncer",
  redis: "redis",
  meilisearch: "meilisearch",
  playwright: "playwright",
  celeryWorker: "celery-worker",
  celeryBeat: "celery-beat",
  extra: "extra",
} as const;
export type ComponentKind = (typeof COMPONENT)[keyof typeof COMPONENT];

/**
 * Tuning keys that are not the software's own settings but that a policy needs to check the derivation
 * with the component's numbers (bytes): a Celery worker's parent process, a Postgres backend's own memory.
 */
export const TUNING_KEY = {
  celeryParentMemory: "rightsize_parent_memory",
  /** Postgres: each backend's own memory beside work_mem (bytes), and the memory-backed /dev/shm (bytes). */
  postgresBackendMemory: "rightsize_backend_memory",
  postgresShm: "rightsize_shm_bytes",
} as const;

interface Annotated {
  metadata?: { annotations?: Record<string, string> };
}

/** The workload's rightsize.io/tuning annotation: the settings, {} when absent, or the reason it is unreadable. */
export function readTuning(o: Annotated): { ok: true; tuning: Record<string, unknown>; present: boolean } | { ok: false; error: string } {
  const text = o.metadata?.annotations?.[ANNOTATION.tuning];
  if (text === undefined) return { ok: true, tuning: {}, present: false };
  if (typeof text !== "string") return { ok: false, error: `${ANNOTATION.tuning} is not a string` };
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, error: `${ANNOTATION.tuning} is not a JSON object` };
    return { ok: true, tuning: v as Record<string, unknown>, present: true };
  } catch (e) {
    return { ok: false, error: `${ANNOTATION.tuning} is not valid JSON (${(e as Error).message})` };
  }
}
