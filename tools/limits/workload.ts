// What the limits test knows of a rendered workload (its object, its main container's limits, its tuning,
// the ConfigMaps it reads) and what it reports for one. Pure apart from nothing: no processes here.
import { ANNOTATION, readTuning } from "../../model/annotations";
import { isWorkload, type K8sObject, podSpecOf } from "../../model/k8s";
import { toBytes, toMillicores } from "../../model/quantity";
import type { UsageAccount } from "../../model/usage";

export interface RenderedWorkload {
  readonly name: string;
  /** The rightsize.io/component annotation. */
  readonly component: string;
  readonly role?: string;
  readonly object: K8sObject;
  /** The main container (the first one). */
  readonly container: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly memoryLimit: number;
  readonly cpuMillis?: number;
  readonly tuning: Record<string, unknown>;
  /** The usage model's account under the stack config (components/<x>/descriptor.ts), where the component has one. */
  readonly usage?: UsageAccount;
  /** A file of a rendered ConfigMap, by the ConfigMap's name and key; throws when absent. */
  file(configMap: string, key: string): string;
  /** Every file of a rendered ConfigMap. */
  files(configMap: string): Record<string, string>;
}

export interface WorkloadReport {
  name: string;
  component: string;
  role?: string;
  limit: { memoryBytes: number; cpuMillis?: number };
  /** The rendered settings the load tests, keyed as the software spells them. */
  settings: Record<string, unknown>;
  /** What the load was, in words a reader can repeat. */
  load: string;
  seconds: number;
  oomKills: number;
  /** It answered, lost nothing and did not restart or recover from a crash. */
  healthy: boolean;
  /** Why it is not healthy, or what was lost. */
  problems: string[];
  /** What was measured on the way (copy-on-write, tasks run, requests served). */
  measured: Record<string, number | string>;
  /** Set when the workload was not run here, with the reason (no binary, not Debian software). */
  skipped?: string;
}

/** Survived: ran, no OOM kill, healthy. A skipped workload neither survives nor fails. */
export const survived = (r: WorkloadReport): boolean => r.skipped !== undefined || (r.oomKills === 0 && r.healthy);

export function skippedReport(w: RenderedWorkload, why: string): WorkloadReport {
  return { ...base(w), load: "none", seconds: 0, oomKills: 0, healthy: true, problems: [], measured: {}, skipped: why };
}

export function base(w: RenderedWorkload): Pick<WorkloadReport, "name" | "component" | "role" | "limit" | "settings"> {
  return { name: w.name, component: w.component, ...(w.role ? { role: w.role } : {}), limit: { memoryBytes: w.memoryLimit, ...(w.cpuMillis !== undefined ? { cpuMillis: w.cpuMillis } : {}) }, settings: w.tuning };
}

/** Every Deployment and StatefulSet rightsize rendered, with what the limits test reads of it. */
export function renderedWorkloads(objects: readonly K8sObject[]): RenderedWorkload[] {
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata?.name ?? "", o as K8sObject & { data?: Record<string, string> }]));
  const file = (cm: string, key: string): string => {
    const v = configMaps.get(cm)?.data?.[key];
    if (typeof v !== "string") throw new Error(`the stack rendered no ConfigMap ${cm} with ${key}`);
    return v;
  };
  return objects
    .filter((o) => isWorkload(o) && o.metadata?.annotations?.[ANNOTATION.component] !== undefined)
    .map((o) => {
      const a = o.metadata!.annotations!;
      const container = podSpecOf(o)?.containers?.[0] ?? {};
      const limits = container.resources?.limits ?? {};
      const t = readTuning(o);
      return {
        name: o.metadata!.name!,
        component: a[ANNOTATION.component]!,
        ...(a[ANNOTATION.role] ? { role: a[ANNOTATION.role] } : {}),
        object: o,
        container,
        memoryLimit: limits.memory ? Number(toBytes(String(limits.memory))) : 0,
        ...(limits.cpu ? { cpuMillis: Number(toMillicores(String(limits.cpu))) } : {}),
        tuning: t.ok ? t.tuning : {},
        file,
        files: (cm: string) => ({ ...(configMaps.get(cm)?.data ?? {}) }),
      };
    });
}
