// Maps Prometheus' namespace/pod/container series to the workloads rightsize renders, and each workload
// to the stack config key that holds its resources (the rightsize.io/config-key annotation, else the
// component descriptor's workloads matched by object name). Pure: reads rendered objects and answers.
import { descriptorOf, stackWorkloads } from "../../components/registry";
import type { StackConfig } from "../../config/schema";
import { ANNOTATION } from "../../model/annotations";
import type { K8sObject } from "../../model/k8s";
import { ownerOf as ownerByName, type Owners, ownersOf } from "./mapping";
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

/**
 * The config key that owns a workload's resources: its annotation, or (objects rendered before every
 * component wrote it) the descriptor's workload of that name under the stack config.
 */
export function configKeyOf(o: K8sObject, config?: StackConfig): string | undefined {
  const a = o.metadata?.annotations ?? {};
  if (a[ANNOTATION.configKey]) return a[ANNOTATION.configKey];
  const d = descriptorOf(a[ANNOTATION.component]);
  if (!d || !config) return undefined;
  return d.workloads(config).find((w) => w.name === o.metadata?.name)?.configKey;
}

/** Every Deployment and StatefulSet the program rendered that has a config key. */
export function targetWorkloads(objects: readonly K8sObject[], config?: StackConfig): TargetWorkload[] {
  const out: TargetWorkload[] = [];
  for (const o of objects) {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
    const configKey = configKeyOf(o, config);
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

export { stackWorkloads };

/** The workload a pod belongs to (by kube_pod_owner when given, else by name), or undefined. */
export function ownerOf(pod: string, ws: readonly TargetWorkload[], owners?: Owners): TargetWorkload | undefined {
  return ownerByName(pod, ws, owners).workload;
}

export interface Unmatched {
  pod: string;
  container: string;
  reason: string;
}

export type WorkloadUsage = ContainerUsage & { pods: string[] };

export interface Mapped {
  usage: Map<string, WorkloadUsage>;
  unmatched: Unmatched[];
  /** How pods were mapped: kube_pod_owner when kube-state-metrics reports owners, else pod names. */
  mappedBy: "kube_pod_owner" | "name";
}

/** One container of one pod, every answer about it gathered. */
interface PodRecord {
  pod: string;
  container: string;
  cpu?: number;
  memory?: number;
  /** A kill inside the window (the `oom` answer). */
  oomKill: boolean;
  /** An OOMKilled last-terminated reason seen in the window, maybe from a kill before it. */
  oomReason: boolean;
  reasons: string[];
  restarts: number;
  samples: number;
  first?: number;
  last?: number;
  coverageMinutes: number;
  memoryLimit?: number;
  cpuLimit?: number;
  throttled?: number;
  slope?: number;
  now?: number;
}

// NaN stays NaN only when no pod has a number.
const larger = (a: number | undefined, b: number) => (a === undefined || Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
const finite = (v: number) => Number.isFinite(v);

function podRecords(answers: Answers): Map<string, PodRecord> {
  const pods = new Map<string, PodRecord>();
  const at = (s: Sample) => {
    const key = `${s.pod}/${s.container}`;
    let r = pods.get(key);
    if (!r) pods.set(key, (r = { pod: s.pod, container: s.container, oomKill: false, oomReason: false, reasons: [], restarts: 0, samples: 0, coverageMinutes: 0 }));
    return r;
  };
  for (const s of answers.cpu) at(s).cpu = larger(at(s).cpu, s.value);
  for (const s of answers.memory) at(s).memory = larger(at(s).memory, s.value);
  for (const s of answers.oom) if (s.value > 0) at(s).oomKill = at(s).oomReason = true;
  for (const s of answers.reasons) {
    const reason = s.labels.reason;
    if (s.value > 0 && reason) {
      if (reason === "OOMKilled") at(s).oomReason = true;
      else if (!at(s).reasons.includes(reason)) at(s).reasons.push(reason);
    }
  }
  for (const s of answers.restarts) if (finite(s.value)) at(s).restarts += Math.round(s.value);
  for (const s of answers.samples) if (finite(s.value)) at(s).samples += s.value;
  for (const s of answers.coverage) if (finite(s.value)) at(s).coverageMinutes += s.value;
  for (const s of answers.first) if (finite(s.value)) at(s).first = Math.min(at(s).first ?? s.value, s.value);
  for (const s of answers.last) if (finite(s.value)) at(s).last = Math.max(at(s).last ?? s.value, s.value);
  for (const s of answers.limits) {
    if (!finite(s.value)) continue;
    if (s.labels.resource === "memory") at(s).memoryLimit = s.value;
    else if (s.labels.resource === "cpu") at(s).cpuLimit = Math.round(s.value * 1000);
  }
  for (const s of answers.throttled) if (finite(s.value)) at(s).throttled = larger(at(s).throttled, s.value);
  for (const s of answers.trendSlope) if (finite(s.value)) at(s).slope = larger(at(s).slope, s.value);
  for (const s of answers.trendNow) if (finite(s.value)) at(s).now = larger(at(s).now, s.value);
  return pods;
}

/**
 * Combines per-pod answers into per-workload usage: peaks are the largest pod's; an OOM kill counts only
 * when the `oom` answer saw the pod's restart counter rise under an OOMKilled reason inside the window
 * (a last-terminated reason from before it does not); history is the minutes with samples, summed over pods and divided by the replicas (at most the
 * window). `replicas` gives each workload's replicas (1 when absent).
 */
export function mapUsage(answers: Answers, ws: readonly TargetWorkload[], replicas: (name: string) => number = () => 1, windowSeconds = Infinity): Mapped {
  const owners = ownersOf(answers.podOwner, answers.replicaSetOwner);
  const usage = new Map<string, WorkloadUsage>();
  const unmatched: Unmatched[] = [];
  const records = podRecords(answers);
  const coverage = new Map<string, number>();
  for (const r of records.values()) {
    const o = ownerByName(r.pod, ws, owners);
    const w = o.workload;
    if (!w || w.container !== r.container) {
      // redis_exporter's pod-level series carry no container; only a container of its own is reported.
      if (r.container === "" && !w) continue;
      if (w && r.container === "") continue;
      unmatched.push({ pod: r.pod, container: r.container, reason: w ? `container ${r.container} is not ${w.kind} ${w.name}'s ${w.container}` : o.reason! });
      continue;
    }
    let u = usage.get(w.name);
    if (!u) usage.set(w.name, (u = { oomKilled: false, restarts: 0, samples: 0, pods: [] }));
    if (!u.pods.includes(r.pod)) u.pods.push(r.pod);
    if (r.cpu !== undefined) u.cpuCores = larger(u.cpuCores, r.cpu);
    if (r.memory !== undefined) u.memoryPeakBytes = larger(u.memoryPeakBytes, r.memory);
    u.restarts += r.restarts;
    u.samples += r.samples;
    if (r.first !== undefined) u.first = Math.min(u.first ?? r.first, r.first);
    if (r.last !== undefined) u.last = Math.max(u.last ?? r.last, r.last);
    if (r.coverageMinutes > 0) coverage.set(w.name, (coverage.get(w.name) ?? 0) + r.coverageMinutes * 60);
    if (r.oomKill && r.restarts > 0) {
      u.oomKilled = true;
      // The limit the killed pod ran with, when kube-state-metrics reports it.
      if (r.memoryLimit !== undefined) u.oomLimitBytes = Math.max(u.oomLimitBytes ?? 0, r.memoryLimit);
    } else if (r.oomReason) {
      u.staleOom = true;
    }
    // Restarts for another reason (Error, Completed, ...): said, never sized for.
    const other = r.restarts > 0 ? (r.reasons.length > 0 ? r.reasons : r.oomKill ? [] : ["unknown reason"]) : [];
    if (other.length > 0) u.restartReasons = [...new Set([...(u.restartReasons ?? []), ...other])].sort();
    if (r.memoryLimit !== undefined) u.memoryLimitBytes = Math.max(u.memoryLimitBytes ?? 0, r.memoryLimit);
    if (r.cpuLimit !== undefined) u.cpuLimitMillis = Math.max(u.cpuLimitMillis ?? 0, r.cpuLimit);
    if (r.throttled !== undefined) u.throttledRatio = larger(u.throttledRatio, r.throttled);
    if (r.slope !== undefined && r.now !== undefined && (u.trend === undefined || r.slope > u.trend.slopeBytesPerDay / 86400)) {
      u.trend = { slopeBytesPerDay: r.slope * 86400, nowBytes: r.now };
    }
  }
  // redis_exporter: the dataset Redis holds and the maxmemory it ran with, by pod.
  for (const [name, list] of [["redisUsed", answers.redisUsed], ["redisMax", answers.redisMax]] as const) {
    for (const s of list) {
      const w = ownerByName(s.pod, ws, owners).workload;
      const u = w && usage.get(w.name);
      if (!u || !finite(s.value)) continue;
      if (name === "redisUsed") u.datasetBytes = Math.max(u.datasetBytes ?? 0, s.value);
      else u.maxmemoryBytes = Math.max(u.maxmemoryBytes ?? 0, s.value);
    }
  }
  for (const [name, u] of usage) {
    u.pods.sort();
    const c = coverage.get(name);
    // Never more than the window, nor than the span the samples cover.
    const span = u.first !== undefined && u.last !== undefined ? u.last - u.first + 60 : windowSeconds;
    if (c !== undefined) u.coverageSeconds = Math.min(windowSeconds, span, Math.round(c / Math.max(1, replicas(name))));
  }
  return {
    usage,
    unmatched: unmatched.sort((a, b) => a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container)),
    mappedBy: owners.pods.size > 0 ? "kube_pod_owner" : "name",
  };
}
