// Maps Prometheus' namespace/pod/container series to the workloads rightsize renders, and each workload
// to the stack config key that holds its resources. Pure: reads rendered objects and query answers.
import { REDIS } from "../../components/shared/endpoints";
import { ANNOTATION, COMPONENT } from "../../model/annotations";
import type { K8sObject } from "../../model/k8s";
import type { Answers, Sample } from "./prometheus";
import type { ContainerUsage } from "./strategy";

export interface TargetWorkload {
  /** The object's name (`app.kubernetes.io/instance`). */
  name: string;
  kind: "Deployment" | "StatefulSet";
  component: string;
  namespace: string;
  /** The container whose resources the config key sets: the pod's first app container. */
  container: string;
  /** Where its resources live in the stack config, e.g. `celery.workers.default`. */
  configKey: string;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The config key that owns a workload's resources, from its component annotation and name. */
export function configKeyOf(o: K8sObject): string | undefined {
  const a = o.metadata?.annotations ?? {};
  const name = o.metadata?.name ?? "";
  switch (a[ANNOTATION.component]) {
    case COMPONENT.web:
    case COMPONENT.postgres:
    case COMPONENT.meilisearch:
    case COMPONENT.playwright:
      return a[ANNOTATION.component];
    case COMPONENT.redis: {
      const which = (Object.keys(REDIS) as (keyof typeof REDIS)[]).find((k) => REDIS[k].name === name);
      return which ? `redis.${which}` : undefined;
    }
    case COMPONENT.celeryWorker:
      return a[ANNOTATION.role] ? `celery.workers.${a[ANNOTATION.role]}` : undefined;
    case COMPONENT.celeryBeat:
      return "celery.beat";
    case COMPONENT.extra:
      return `extras.${name}`;
    default:
      return undefined;
  }
}

/** Every Deployment and StatefulSet the program rendered that has a config key. */
export function targetWorkloads(objects: readonly K8sObject[]): TargetWorkload[] {
  const out: TargetWorkload[] = [];
  for (const o of objects) {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
    const configKey = configKeyOf(o);
    const c = o.spec?.template?.spec?.containers?.[0];
    if (!configKey || !c?.name) continue;
    out.push({
      name: o.metadata?.name ?? "",
      kind: o.kind,
      component: o.metadata?.annotations?.[ANNOTATION.component] ?? "",
      namespace: o.metadata?.namespace ?? "",
      container: c.name,
      configKey,
      resources: c.resources ?? {},
    });
  }
  return out;
}

/**
 * The workload a pod belongs to: Deployment pods are `<name>-<pod-template-hash>-<5 chars>`, StatefulSet
 * pods `<name>-<ordinal>`. The hash and suffix never contain a dash, so `web` does not claim `web-api-...`.
 */
export function ownerOf(pod: string, ws: readonly TargetWorkload[]): TargetWorkload | undefined {
  const deployment = /^(.+)-[a-z0-9]{1,10}-[a-z0-9]{5}$/.exec(pod)?.[1];
  const statefulSet = /^(.+)-(\d+)$/.exec(pod)?.[1];
  return ws.find((w) => (w.kind === "Deployment" ? w.name === deployment : w.name === statefulSet));
}

export interface Unmatched {
  pod: string;
  container: string;
  reason: string;
}

export interface Mapped {
  usage: Map<string, ContainerUsage & { pods: string[] }>;
  unmatched: Unmatched[];
}

/** Combines per-pod answers into per-workload usage: peaks are the largest pod's, history spans all pods. */
export function mapUsage(answers: Answers, ws: readonly TargetWorkload[]): Mapped {
  const usage = new Map<string, ContainerUsage & { pods: string[] }>();
  const unmatched = new Map<string, Unmatched>();
  const slot = (s: Sample) => {
    const w = ownerOf(s.pod, ws);
    if (!w || w.container !== s.container) {
      const reason = w ? `container ${s.container} is not ${w.kind} ${w.name}'s ${w.container}` : "no Deployment or StatefulSet of the stack owns this pod";
      unmatched.set(`${s.pod}/${s.container}`, { pod: s.pod, container: s.container, reason });
      return undefined;
    }
    let u = usage.get(w.name);
    if (!u) usage.set(w.name, (u = { oomKilled: false, restarts: 0, samples: 0, pods: [] }));
    if (!u.pods.includes(s.pod)) u.pods.push(s.pod);
    return u;
  };
  // NaN stays NaN (Math.max would hide it only when another pod has a number, which is what we want).
  const larger = (a: number | undefined, b: number) => (a === undefined || Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
  for (const s of answers.cpu) {
    const u = slot(s);
    if (u) u.cpuCores = larger(u.cpuCores, s.value);
  }
  for (const s of answers.memory) {
    const u = slot(s);
    if (u) u.memoryPeakBytes = larger(u.memoryPeakBytes, s.value);
  }
  for (const s of answers.oom) {
    const u = slot(s);
    if (u && s.value > 0) u.oomKilled = true;
  }
  for (const s of answers.restarts) {
    const u = slot(s);
    if (u && Number.isFinite(s.value)) u.restarts += Math.round(s.value);
  }
  for (const s of answers.samples) {
    const u = slot(s);
    if (u && Number.isFinite(s.value)) u.samples += s.value;
  }
  for (const s of answers.first) {
    const u = slot(s);
    if (u && Number.isFinite(s.value)) u.first = u.first === undefined ? s.value : Math.min(u.first, s.value);
  }
  for (const s of answers.last) {
    const u = slot(s);
    if (u && Number.isFinite(s.value)) u.last = u.last === undefined ? s.value : Math.max(u.last, s.value);
  }
  for (const u of usage.values()) u.pods.sort();
  return { usage, unmatched: [...unmatched.values()].sort((a, b) => a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container)) };
}
