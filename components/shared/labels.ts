// app.kubernetes.io/* labels. The selector uses only name + instance, which never change, because a
// Deployment's selector is immutable.
export const PART_OF = "rightsize";

/** Pods with this label may reach the data layer (Postgres, Redis, Meilisearch, the browser service). */
export const APP_CLIENT_LABEL = { "rightsize.io/app-client": "true" } as const;

export interface Labels {
  readonly [k: string]: string;
}

export function selectorLabels(component: string, instance: string): Labels {
  return { "app.kubernetes.io/name": component, "app.kubernetes.io/instance": instance };
}

export function standardLabels(component: string, instance: string, version?: string): Labels {
  return {
    ...selectorLabels(component, instance),
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(version ? { "app.kubernetes.io/version": labelValue(version) } : {}),
  };
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return cleaned === "" ? "unknown" : cleaned;
}

/**
 * The annotations through which plan and the policy pack read a workload's identity and tuning, on the
 * workload object (Deployment, StatefulSet):
 * - component: "web", "postgres", "redis", "meilisearch", "playwright", "celery-worker", "celery-beat",
 *   "extra";
 * - tuning: JSON of the derived settings keyed as the software spells them, valued as the software takes
 *   them (numbers where it takes numbers, its own unit strings such as Postgres' "384MB" where it takes
 *   those);
 * - role: what an instance is for where a component has several (Redis: broker, cache, shared).
 */
/**
 * Tuning keys that are not the software's own settings but that a policy needs to check the derivation
 * with the component's numbers (bytes): a Celery worker's parent process.
 */
export const TUNING_KEY = { celeryParentMemory: "rightsize_parent_memory" } as const;

export const ANNOTATION = {
  component: "rightsize.io/component",
  tuning: "rightsize.io/tuning",
  role: "rightsize.io/role",
} as const;
