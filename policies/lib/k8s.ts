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
