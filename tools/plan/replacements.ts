// What `pulumi up` does with each object when the rendered objects change from a base to now: create,
// delete, update in place, or replace. Replacement follows pulumi-kubernetes' own table of fields it
// cannot update in place (provider/pkg/provider/diff.go, forceNewProperties) for the kinds rightsize
// renders, and, since every object here has a fixed name, the provider deletes the old object before it
// creates the new one. A replacement or deletion of an object that holds data must be acknowledged.
import type { K8sObject } from "../../model/k8s";

/** Fields whose change makes pulumi-kubernetes replace the object, per kind (metadata for every kind). */
const FORCE_NEW: Record<string, string[]> = {
  "*": ["metadata.name", "metadata.namespace"],
  StatefulSet: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
  Deployment: ["spec.selector"],
  // The provider's table spells DaemonSet "Daemonset", so it never replaces one; none is rendered here.
  Job: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
  Service: ["spec.clusterIP"],
  // Without the provider's enableConfigMapMutable, a ConfigMap's data is replaced, not patched.
  ConfigMap: ["data", "binaryData"],
  Secret: ["type", "data", "stringData"],
  PersistentVolumeClaim: ["spec"],
  ResourceQuota: ["spec.scopes"],
  RoleBinding: ["roleRef"],
  ClusterRoleBinding: ["roleRef"],
};

export type Action = "create" | "update" | "replace" | "delete";

export interface Change {
  /** `Kind/name`, as plan names objects. */
  object: string;
  action: Action;
  /** Each changed field as `path: old -> new`, at most MAX_SHOWN of them. */
  fields: string[];
  /** The changed fields that force the replacement. */
  replacedBy: string[];
  /** The object holds data: a StatefulSet with claim templates, a claim, a Namespace. */
  dataBearing: boolean;
  /** A replacement or deletion of a data-bearing object: plan fails until it is acknowledged. */
  mustAcknowledge: boolean;
  acknowledged: boolean;
  /** What happens to the data, and what to do instead, when that needs saying. */
  note?: string;
}

const MAX_SHOWN = 12;

const id = (o: K8sObject) => `${o.kind}/${o.metadata?.name ?? "unnamed"}`;

type Segment = string | number;

/** Leaf paths where two values differ, as segments, in a stable order. */
export function changedPaths(a: unknown, b: unknown, path: Segment[] = []): Segment[][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return [path];
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => changedPaths(a[i], b[i], [...path, i])).flat();
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  return keys.flatMap((k) => changedPaths(ra[k], rb[k], [...path, k]));
}

/** `spec.volumeClaimTemplates[0].spec`, quoting keys that hold dots or slashes (annotations, file names). */
export function formatPath(path: Segment[]): string {
  return path
    .map((s, i) => (typeof s === "number" ? `[${s}]` : /^[\w-]+$/.test(s) ? `${i === 0 ? "" : "."}${s}` : `[${JSON.stringify(s)}]`))
    .join("");
}

function get(o: unknown, path: Segment[]): unknown {
  let v: unknown = o;
  for (const part of path) v = v === null || typeof v !== "object" ? undefined : (v as Record<string, unknown>)[part as string];
  return v;
}

/** A value as the diff shows it; of a changed text file, the first line that differs. */
function show(v: unknown, other: unknown): string {
  if (v === undefined) return "(none)";
  if (typeof v === "string" && typeof other === "string" && (v.includes("\n") || other.includes("\n"))) {
    const a = v.split("\n");
    const b = other.split("\n");
    const i = a.findIndex((line, k) => line !== b[k]);
    return i < 0 ? `(${a.length} lines)` : `line ${i + 1} ${JSON.stringify(a[i])}`;
  }
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function forcesNew(kind: string, path: string): boolean {
  return [...FORCE_NEW["*"]!, ...(FORCE_NEW[kind] ?? [])].some((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`));
}

function dataBearing(o: K8sObject): boolean {
  if (o.kind === "StatefulSet") return (o.spec?.volumeClaimTemplates ?? []).length > 0;
  return o.kind === "PersistentVolumeClaim" || o.kind === "Namespace";
}

/** The claims a StatefulSet's pods hold, `<template>-<set>-<ordinal>`, as Kubernetes names them. */
function claims(o: K8sObject): string[] {
  const n = Number(o.spec?.replicas ?? 1);
  const templates = (o.spec?.volumeClaimTemplates ?? []) as K8sObject[];
  return templates.flatMap((t) => Array.from({ length: n }, (_, i) => `${t.metadata?.name}-${o.metadata?.name}-${i}`));
}

function note(base: K8sObject | undefined, head: K8sObject | undefined, action: Action, replacedBy: string[]): string | undefined {
  const o = (head ?? base)!;
  if (o.kind === "Namespace" && action !== "update") {
    return `deleting Namespace ${o.metadata?.name} deletes every object in it, claims and their data included`;
  }
  if (o.kind === "PersistentVolumeClaim" && action !== "update") return `the claim ${o.metadata?.name} and its volume's data are deleted (reclaim policy Delete, the default)`;
  if (o.kind !== "StatefulSet" || !dataBearing(o)) return undefined;
  const held = claims(base ?? o).join(", ");
  if (action === "delete") return `the claims (${held}) are kept (persistentVolumeClaimRetentionPolicy whenDeleted: Retain) but nothing mounts them`;
  if (action !== "replace") return undefined;
  const moved = replacedBy.some((p) => p === "metadata.namespace");
  if (moved) return `the StatefulSet is created in namespace ${head?.metadata?.namespace} with new, empty claims; the old claims (${held}) stay behind in ${base?.metadata?.namespace}`;
  const storage = replacedBy.some((p) => p.startsWith("spec.volumeClaimTemplates"));
  const downtime = `pulumi up deletes the StatefulSet and creates it again: its pod stops, then starts on the kept claims (${held})`;
  if (!storage) return `${downtime}; data is kept`;
  return (
    `${downtime}, which Kubernetes re-attaches as they are: the new template's size or class is never applied to them. ` +
    `To grow a claim, resize it in place (kubectl patch pvc <claim> -p '{"spec":{"resources":{"requests":{"storage":"<size>"}}}}', which needs a StorageClass with allowVolumeExpansion) before pulumi up; ` +
    `a new storage class needs a dump and restore into a new claim`
  );
}

function change(base: K8sObject | undefined, head: K8sObject | undefined, acknowledged: ReadonlySet<string>): Change | undefined {
  const o = (head ?? base)!;
  const segments = base && head ? changedPaths(base, head) : [];
  const paths = segments.map(formatPath);
  if (base && head && paths.length === 0) return undefined;
  const replacedBy = paths.filter((p) => forcesNew(o.kind ?? "", p));
  const action: Action = !base ? "create" : !head ? "delete" : replacedBy.length > 0 ? "replace" : "update";
  const bearing = dataBearing(base ?? o);
  const mustAcknowledge = bearing && (action === "replace" || action === "delete");
  const fields = segments.slice(0, MAX_SHOWN).map((p) => `${formatPath(p)}: ${show(get(base, p), get(head, p))} -> ${show(get(head, p), get(base, p))}`);
  if (paths.length > MAX_SHOWN) fields.push(`... and ${paths.length - MAX_SHOWN} more`);
  const n = note(base, head, action, replacedBy);
  return { object: id(o), action, fields, replacedBy, dataBearing: bearing, mustAcknowledge, acknowledged: mustAcknowledge && acknowledged.has(id(o)), ...(n ? { note: n } : {}) };
}

/**
 * Every object that changes from base to head, paired by kind and name (not namespace: a namespace edit
 * moves every object, which Pulumi replaces), in the order create, update, replace, delete.
 */
export function diffObjects(base: readonly K8sObject[], head: readonly K8sObject[], acknowledged: ReadonlySet<string> = new Set()): Change[] {
  const before = new Map(base.map((o) => [id(o), o]));
  const after = new Map(head.map((o) => [id(o), o]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const rank: Record<Action, number> = { create: 0, update: 1, replace: 2, delete: 3 };
  return ids
    .map((k) => change(before.get(k), after.get(k), acknowledged))
    .filter((c): c is Change => c !== undefined)
    .sort((a, b) => rank[a.action] - rank[b.action] || a.object.localeCompare(b.object));
}

/** Acknowledgements that name no object needing one: a typo must not pass silently. */
export function unusedAcknowledgements(changes: readonly Change[], acknowledged: ReadonlySet<string>): string[] {
  const needed = new Set(changes.filter((c) => c.mustAcknowledge).map((c) => c.object));
  return [...acknowledged].filter((a) => !needed.has(a));
}
