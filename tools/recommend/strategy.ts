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
import { formatCpu, showMemory } from "../../model/quantity";
import { type Bytes, bytes, GiB, MiB, type Millicores, millicores } from "../../model/units";

export interface Strategy {
  /** The CPU percentile taken over the window (KRR: 95). */
  cpuPercentile: number;
  /** Memory limit = peak x (100 + this) / 100 (KRR: 15). */
  memoryBufferPercent: number;
  /** After an OOM kill: at least the current limit x (100 + this) / 100 (KRR: 25). */
  oomBufferPercent: number;
  /** Less history than this keeps the current values. */
  minHistorySeconds: number;
}

export const DEFAULT_STRATEGY: Strategy = { cpuPercentile: 95, memoryBufferPercent: 15, oomBufferPercent: 25, minHistorySeconds: 24 * 3600 };

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
  const span = u.last - u.first;
  if (span < s.minHistorySeconds) return `only ${hours(span)} of history, less than the ${hours(s.minHistorySeconds)} required`;
  return undefined;
}

function proposeCpu(u: ContainerUsage, cur: Resources, s: Strategy): { request: Millicores; limit?: Millicores; decision: Decision } {
  const keep = (reason: string) => ({ request: cur.requests.cpu, ...(cur.limits.cpu !== undefined ? { limit: cur.limits.cpu } : {}), decision: { action: "keep" as const, reason } });
  if (u.cpuCores === undefined) return keep("no CPU data in the window");
  if (!Number.isFinite(u.cpuCores)) return keep(`Prometheus returned ${u.cpuCores} for the CPU percentile`);
  const request = roundCpu(Math.ceil(u.cpuCores * 1000));
  const base = `p${s.cpuPercentile} of the 5m CPU rate = ${cores(u.cpuCores)} -> request ${formatCpu(request)}`;
  if (cur.limits.cpu === undefined) return { request, decision: { action: "set", reason: `${base}; no CPU limit` } };
  if (request > cur.limits.cpu) return { request, limit: request, decision: { action: "set", reason: `${base}; limit raised to the request (was ${formatCpu(cur.limits.cpu)})` } };
  return { request, limit: cur.limits.cpu, decision: { action: "set", reason: `${base}; limit kept at ${formatCpu(cur.limits.cpu)} (the tuning reads it)` } };
}

function proposeMemory(u: ContainerUsage, cur: Resources, s: Strategy): { request: Bytes; limit?: Bytes; decision: Decision } {
  const keep = (reason: string) => ({ request: cur.requests.memory, ...(cur.limits.memory !== undefined ? { limit: cur.limits.memory } : {}), decision: { action: "keep" as const, reason } });
  if (u.memoryPeakBytes === undefined) return keep("no memory data in the window");
  if (!Number.isFinite(u.memoryPeakBytes)) return keep(`Prometheus returned ${u.memoryPeakBytes} for the memory peak`);
  const peak = Math.ceil(u.memoryPeakBytes);
  const buffered = percent(peak, s.memoryBufferPercent);
  let why = `peak ${showMemory(peak)} + ${s.memoryBufferPercent}% = ${showMemory(buffered)}`;
  let need = buffered;
  if (u.oomKilled) {
    // The kill cut the peak short: the real need is above the limit it was killed at.
    const killedAt = cur.limits.memory ?? bytes(peak);
    const oom = percent(killedAt, s.oomBufferPercent);
    why += `; OOM-killed at limit ${showMemory(killedAt)}, + ${s.oomBufferPercent}% = ${showMemory(oom)}`;
    need = Math.max(buffered, oom);
  }
  const size = roundMemory(need);
  return { request: size, limit: size, decision: { action: "set", reason: `${why} -> request = limit ${showMemory(size)}` } };
}

/** The proposal for one container; the current values stay where the data cannot support a change. */
export function proposeContainer(u: ContainerUsage | undefined, current: Resources, s: Strategy = DEFAULT_STRATEGY): ContainerProposal {
  const problem = historyProblem(u, s);
  if (problem || !u) {
    const decision: Decision = { action: "keep", reason: problem ?? "no data in the window" };
    return { current, proposed: current, cpu: decision, memory: decision };
  }
  const c = proposeCpu(u, current, s);
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
