// Reading Kubernetes objects inside policies: names for messages, containers, annotations, quantities.
// Pure: no @pulumi imports, so the tests and the plan can call it on plain objects.
import { formatCpu, formatMemory, toBytes, toMillicores } from "../../config/quantity";
import { type Bytes, GiB, type Millicores, MiB } from "../../config/units";
import { ANNOTATION } from "../../components/shared/labels";
import { type K8sObject, podTemplateOf } from "../reservations";

/** How a message names an object: `Deployment web`. */
export function describe(o: K8sObject): string {
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

export const cpuQuantity = (v: unknown): Millicores => toMillicores(String(v));
export const memoryQuantity = (v: unknown): Bytes => toBytes(String(v));

/** Exact CPU, e.g. `8600m`. */
export const showCpu = (m: number): string => formatCpu(m as Millicores);

/**
 * Memory for a message: exact when it is a whole number of Mi or Gi (`512Mi`, `2Gi`), otherwise Mi with
 * two decimals so a KiB-based product stays readable (`2343.75Mi`).
 */
export function showMemory(b: number): string {
  if (b % MiB === 0 || b === 0) return b % GiB === 0 && b !== 0 ? `${b / GiB}Gi` : formatMemory(b as Bytes);
  return `${(b / MiB).toFixed(2)}Mi`;
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
