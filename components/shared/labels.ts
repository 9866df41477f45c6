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
