// The right-sizing strategy: observed usage + current resources -> proposed resources, with the reason
// for each number. Pure (no @pulumi imports, no I/O), so it is tested with exact values.
//
// Anchor: KRR's "simple" strategy (CPU request = 95th percentile, no CPU limit; memory request = limit =
// peak + 15%; OOM kills raise memory to the killed limit + 25%). Where rightsize differs, and why:
// - The CPU limit is kept (raised to the request when the request passes it), not removed: gunicorn's
//   worker count, Celery's concurrency and Meilisearch's threads are derived from the CPU limit.
// - After an OOM kill memory never goes below max(peak + buffer, current limit + OOM buffer): the real
//   peak was above the limit, so the observed peak understates it.
// - Too little history or no data keeps the current value and says why, rather than proposing nothing.
// - The OOM raise starts from the limit the killed pod ran with (kube-state-metrics'
//   kube_pod_container_resource_limits), so a rerun on the same data after --write does not raise again;
//   only a kill inside the window (the pod's restart counter moved) counts.
// - A workload scaled by a CPU HPA keeps its CPU request (KRR leaves HPA targets alone): the request is
//   the HPA's unit. A container throttled in many CFS periods gets a higher CPU limit.
// Workloads with a usage model size their units instead of a box (units.ts).
import { formatCpu, showMemory } from "../../model/quantity";
import { type Bytes, bytes, GiB, MiB, type Millicores, millicores } from "../../model/units";

export interface Strategy {
  /** The CPU percentile taken over the window (KRR: 95). */
  cpuPercentile: number;
  /** Memory limit = peak x (100 + this) / 100 (KRR: 15). */
  memoryBufferPercent: number;
  /** After an OOM kill: at least the current limit x (100 + this) / 100 (KRR: 25). */
  oomBufferPercent: number;
  /** Less history (coverage: minutes with samples) than this keeps the current values. */
  minHistorySeconds: number;
  /** Throttled in more than this share of CFS periods: the CPU limit goes up by half. */
  throttlePercent: number;
}

export const DEFAULT_STRATEGY: Strategy = { cpuPercentile: 95, memoryBufferPercent: 15, oomBufferPercent: 25, minHistorySeconds: 24 * 3600, throttlePercent: 25 };

/** One container's usage over the window, summed over its pods where that makes sense. */
export interface ContainerUsage {
  /** The CPU percentile in cores, the largest over the workload's pods; NaN when Prometheus said NaN. */
  cpuCores?: number;
  /** Peak working set in bytes over the pods; NaN when Prometheus said NaN. */
  memoryPeakBytes?: number;
  oomKilled: boolean;
  restarts: number;
  /** Working-set samples in the window, over every pod. */
  samples: number;
  /** First and last sample (unix seconds) over every pod. */
  first?: number;
  last?: number;
  /** Minutes with a sample x 60, summed over pods and divided by the replicas; absent in old usage files. */
  coverageSeconds?: number;
  /** The memory limit the OOM-killed pod ran with (kube_pod_container_resource_limits). */
  oomLimitBytes?: number;
  /** An OOMKilled last-terminated reason with no restart inside the window: not counted. */
  staleOom?: boolean;
  /** Restarts inside the window for other reasons (Error, Completed, ...). */
  restartReasons?: string[];
  /** The memory limit the pods ran with (kube_pod_container_resource_limits; the largest pod's). */
  memoryLimitBytes?: number;
  /** The CPU limit the pods ran with (kube_pod_container_resource_limits). */
  cpuLimitMillis?: number;
  /** Throttled CFS periods over all CFS periods in the window, the largest pod's. */
  throttledRatio?: number;
  /** A least-squares line through the daily peaks (the pod with the steepest one). */
  trend?: { slopeBytesPerDay: number; nowBytes: number };
  /** redis_exporter: the most memory Redis reported using, and the maxmemory it ran with. */
  datasetBytes?: number;
  maxmemoryBytes?: number;
}

/** What the proposal knows about the workload beyond its usage. */
export interface WorkloadFacts {
  /** Scaled by a HorizontalPodAutoscaler on CPU utilization. */
  cpuHpa?: boolean;
}

export interface Resources {
  requests: { cpu: Millicores; memory: Bytes };
  limits: { cpu?: Millicores; memory?: Bytes };
}

export interface Decision {
  /** "set": proposed from usage; "keep": the current value stays. */
  action: "set" | "keep";
  reason: string;
}

export interface ContainerProposal {
  current: Resources;
  proposed: Resources;
  cpu: Decision;
  memory: Decision;
}

/** Sensible steps: 10m under 100m, 50m under 1 core, then 250m; never below 10m. */
export function roundCpu(m: number): Millicores {
  const step = m < 100 ? 10 : m < 1000 ? 50 : 250;
  return millicores(Math.max(10, Math.ceil(m / step) * step));
}

/** 64Mi steps under 1Gi, 128Mi under 4Gi, then 256Mi; never below 64Mi. */
export function roundMemory(b: number): Bytes {
  const step = b <= GiB ? 64 * MiB : b <= 4 * GiB ? 128 * MiB : 256 * MiB;
  return bytes(Math.max(64 * MiB, Math.ceil(b / step) * step));
}

const hours = (s: number) => (s >= 3600 ? `${Math.round((s / 3600) * 10) / 10}h` : `${Math.round(s / 60)}m`);
const cores = (c: number) => `${Math.round(c * 1000) / 1000} cores`;
const percent = (x: number, p: number) => Math.ceil((x * (100 + p)) / 100);

/** Why the current values must stay, or undefined when there is enough history to propose. */
export function historyProblem(u: ContainerUsage | undefined, s: Strategy): string | undefined {
  if (!u || u.samples === 0 || u.first === undefined || u.last === undefined) return "no data in the window";
  const history = historySeconds(u);
  if (history < s.minHistorySeconds) {
    const spread = u.coverageSeconds !== undefined && u.last - u.first > 2 * u.coverageSeconds ? ` (spread over ${hours(u.last - u.first)})` : "";
    return `only ${hours(history)} of history${spread}, less than the ${hours(s.minHistorySeconds)} required`;
  }
  return undefined;
}

/** History is coverage (minutes with samples); the first-to-last span only for usage files without it. */
export function historySeconds(u: ContainerUsage): number {
  return u.coverageSeconds ?? (u.first !== undefined && u.last !== undefined ? u.last - u.first : 0);
}

function proposeCpu(u: ContainerUsage, cur: Resources, s: Strategy, facts: WorkloadFacts): { request: Millicores; limit?: Millicores; decision: Decision } {
  const keep = (reason: string) => ({ request: cur.requests.cpu, ...(cur.limits.cpu !== undefined ? { limit: cur.limits.cpu } : {}), decision: { action: "keep" as const, reason } });
  if (u.cpuCores === undefined) return keep("no CPU data in the window");
  if (!Number.isFinite(u.cpuCores)) return keep(`Prometheus returned ${u.cpuCores} for the CPU percentile`);
  const throttled = throttleRaise(u, cur, s);
  // KRR leaves the CPU of an HPA-scaled workload alone: the HPA's target is a share of the request, and
  // pods that lived minutes during a scale-out would set it.
  const request = facts.cpuHpa ? cur.requests.cpu : roundCpu(Math.ceil(u.cpuCores * 1000));
  const base = facts.cpuHpa
    ? `request kept at ${formatCpu(request)}: its HPA scales on CPU utilization, a share of the request (p${s.cpuPercentile} was ${cores(u.cpuCores)})`
    : `p${s.cpuPercentile} of the 5m CPU rate = ${cores(u.cpuCores)} -> request ${formatCpu(request)}`;
  if (cur.limits.cpu === undefined) return { request, decision: { action: "set", reason: `${base}; no CPU limit` } };
  if (throttled && throttled.limit > Math.max(request, cur.limits.cpu)) return { request, limit: throttled.limit, decision: { action: "set", reason: `${base}; ${throttled.why}` } };
  if (request > cur.limits.cpu) return { request, limit: request, decision: { action: "set", reason: `${base}; limit raised to the request (was ${formatCpu(cur.limits.cpu)})` } };
  const action = request === cur.requests.cpu ? ("keep" as const) : ("set" as const);
  return { request, limit: cur.limits.cpu, decision: { action, reason: `${base}; limit kept at ${formatCpu(cur.limits.cpu)} (the tuning reads it)` } };
}

/**
 * A container throttled in more than `throttlePercent` of its CFS periods gets half as much again of the
 * limit it was throttled at (kube_pod_container_resource_limits when reported, so a rerun on the same
 * data proposes the same), in whole 250m steps above a core.
 */
export function throttleRaise(u: ContainerUsage, cur: Resources, s: Strategy): { limit: Millicores; why: string } | undefined {
  if (u.throttledRatio === undefined || !Number.isFinite(u.throttledRatio) || u.throttledRatio * 100 <= s.throttlePercent) return undefined;
  const at = u.cpuLimitMillis ?? cur.limits.cpu;
  if (at === undefined) return undefined;
  const limit = roundCpu(Math.ceil(at * 1.5));
  return { limit, why: `throttled in ${Math.round(u.throttledRatio * 100)}% of CFS periods at limit ${formatCpu(millicores(at))} -> limit ${formatCpu(limit)}` };
}

function proposeMemory(u: ContainerUsage, cur: Resources, s: Strategy): { request: Bytes; limit?: Bytes; decision: Decision } {
  const keep = (reason: string) => ({ request: cur.requests.memory, ...(cur.limits.memory !== undefined ? { limit: cur.limits.memory } : {}), decision: { action: "keep" as const, reason } });
  if (u.memoryPeakBytes === undefined) return keep("no memory data in the window");
  if (!Number.isFinite(u.memoryPeakBytes)) return keep(`Prometheus returned ${u.memoryPeakBytes} for the memory peak`);
  const peak = Math.ceil(u.memoryPeakBytes);
  const buffered = percent(peak, s.memoryBufferPercent);
  let why = `peak ${showMemory(peak)} + ${s.memoryBufferPercent}% = ${showMemory(buffered)}`;
  let need = buffered;
  const kill = oomFloor(u, cur, s);
  if (kill) {
    // The kill cut the peak short: the real need is above the limit it was killed at.
    why += `; ${kill.why}`;
    need = Math.max(buffered, kill.floor);
  }
  const size = roundMemory(need);
  return { request: size, limit: size, decision: { action: "set", reason: `${why} -> request = limit ${showMemory(size)}` } };
}

/**
 * After an OOM kill inside the window: the limit it was killed at + oomBufferPercent. The limit at the
 * kill is kube-state-metrics' when reported, else the rendered one (then a rerun after --write raises
 * again, and the reason says so).
 */
export function oomFloor(u: ContainerUsage, cur: Resources, s: Strategy): { killedAt: number; floor: number; why: string } | undefined {
  if (!u.oomKilled) return undefined;
  const fromSeries = u.oomLimitBytes !== undefined;
  const killedAt = u.oomLimitBytes ?? cur.limits.memory ?? Math.ceil(u.memoryPeakBytes ?? 0);
  const floor = percent(killedAt, s.oomBufferPercent);
  const source = fromSeries ? "" : " (the rendered limit: kube_pod_container_resource_limits has no series, so a rerun after --write raises again)";
  return { killedAt, floor, why: `OOM-killed at limit ${showMemory(killedAt)}${source}, + ${s.oomBufferPercent}% = ${showMemory(floor)}` };
}

/** The proposal for one container; the current values stay where the data cannot support a change. */
export function proposeContainer(u: ContainerUsage | undefined, current: Resources, s: Strategy = DEFAULT_STRATEGY, facts: WorkloadFacts = {}): ContainerProposal {
  const problem = historyProblem(u, s);
  if (problem || !u) {
    const decision: Decision = { action: "keep", reason: problem ?? "no data in the window" };
    return { current, proposed: current, cpu: decision, memory: decision };
  }
  const c = proposeCpu(u, current, s, facts);
  const m = proposeMemory(u, current, s);
  return {
    current,
    proposed: {
      requests: { cpu: c.request, memory: m.request },
      limits: { ...(c.limit !== undefined ? { cpu: c.limit } : {}), ...(m.limit !== undefined ? { memory: m.limit } : {}) },
    },
    cpu: c.decision,
    memory: m.decision,
  };
}

/** "7d", "36h", "90m", "3600s" -> seconds; undefined when it is not one of those. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(s);
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as "s" | "m" | "h" | "d" | "w"];
  const n = Number(m[1]) * unit;
  return n > 0 ? n : undefined;
}
