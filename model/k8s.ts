// The view of a rendered Kubernetes object that the policies, the plan and the tests read: names for
// messages, pod templates, containers, annotations, selectors. Pure: no @pulumi imports.
import { toBytes } from "./quantity";
import type { Bytes } from "./units";
import { ANNOTATION } from "./annotations";

/** A Kubernetes object as rendered: apiVersion, kind, metadata, spec. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [k: string]: unknown;
}

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const isWorkload = (o: K8sObject): boolean => WORKLOAD_KINDS.includes(o.kind as WorkloadKind);

/** The pod template of a workload; a bare Pod is its own template. */
export function podTemplateOf(o: K8sObject): any {
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template;
  if (o.kind === "Pod") return { metadata: o.metadata, spec: o.spec };
  return o.spec?.template;
}

/** How a message names an object: `Deployment web`. */
export function describeObject(o: K8sObject): string {
  return `${o.kind ?? "object"} ${o.metadata?.name ?? "(unnamed)"}`;
}

export interface ContainerRef {
  c: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  init: boolean;
  /** `container web` or `init container migrate`. */
  label: string;
}

export function podSpecOf(o: K8sObject): any {
  return podTemplateOf(o)?.spec;
}

/** Init containers (sidecars included) first, then the app containers, as the pod runs them. */
export function containersOf(o: K8sObject): ContainerRef[] {
  const spec = podSpecOf(o);
  const inits: any[] = spec?.initContainers ?? [];
  const apps: any[] = spec?.containers ?? [];
  return [
    ...inits.map((c) => ({ c, init: true, label: `init container ${c?.name ?? "(unnamed)"}` })),
    ...apps.map((c) => ({ c, init: false, label: `container ${c?.name ?? "(unnamed)"}` })),
  ];
}

/** The container that runs the component's software: the app container named like the component, else the first. */
export function mainContainer(o: K8sObject, names: readonly string[]): ContainerRef | undefined {
  const apps = containersOf(o).filter((r) => !r.init);
  return apps.find((r) => names.includes(r.c?.name)) ?? apps[0];
}

export const componentOf = (o: K8sObject): string | undefined => o.metadata?.annotations?.[ANNOTATION.component];
export const roleOf = (o: K8sObject): string | undefined => o.metadata?.annotations?.[ANNOTATION.role];

/** A container's memory limit in bytes, undefined when it sets none. */
export function memoryLimit(c: any): Bytes | undefined {
  const v = c?.resources?.limits?.memory;
  return v === undefined ? undefined : toBytes(String(v));
}

/** Whether every key/value of a matchLabels selector is on the labels, and its expressions hold. */
export function selects(selector: any, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  const match: Record<string, string> = selector?.matchLabels ?? {};
  const exprs: any[] = selector?.matchExpressions ?? [];
  if (Object.keys(match).length === 0 && exprs.length === 0) return false;
  if (!Object.entries(match).every(([k, v]) => l[k] === v)) return false;
  return exprs.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(l, e?.key);
    const values: string[] = e?.values ?? [];
    switch (e?.operator) {
      case "In":
        return has && values.includes(l[e.key]!);
      case "NotIn":
        return !has || !values.includes(l[e.key]!);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}

/** A plain copy of a value read through the SDK's proxy (it throws on a value unknown at preview). */
export function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => plain(x)) as T;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plain((v as Record<string, unknown>)[k]);
    return out as T;
  }
  return v;
}

/**
 * Label selectors indexed by one of their matchLabels pairs, so matching N pod templates against M
 * selectors costs about N + M rather than N x M. Selectors with only expressions are checked for every
 * pod; an empty selector selects nothing here (a Service without one routes to no pods).
 */
export class SelectorIndex<T> {
  private readonly byPair = new Map<string, { selector: any; item: T }[]>();
  private readonly rest: { selector: any; item: T }[] = [];

  add(namespace: string | undefined, selector: any, item: T): void {
    const s = plain(selector);
    const match: Record<string, string> = s?.matchLabels ?? {};
    const keys = Object.keys(match).sort();
    if (keys.length > 0) {
      const key = `${namespace ?? ""}\0${keys[0]}=${match[keys[0]!]}`;
      const list = this.byPair.get(key) ?? [];
      list.push({ selector: s, item });
      this.byPair.set(key, list);
    } else if ((s?.matchExpressions ?? []).length > 0) this.rest.push({ selector: { ...s, namespace }, item });
  }

  /** Items whose selector selects these labels, in the order they were added per bucket. */
  match(namespace: string | undefined, labels: Record<string, string> | undefined): T[] {
    const l = plain(labels ?? {});
    const out: T[] = [];
    for (const [k, v] of Object.entries(l)) {
      for (const c of this.byPair.get(`${namespace ?? ""}\0${k}=${v}`) ?? []) if (selects(c.selector, l)) out.push(c.item);
    }
    for (const c of this.rest) if (c.selector.namespace === namespace && selects(c.selector, l)) out.push(c.item);
    return out;
  }
}
