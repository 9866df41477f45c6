// The recommendation as one object (what `--json` prints): per workload the usage, the current and
// proposed resources with reasons, and the tuning before -> after, read from the two plans that plan's
// own code built for the current and the proposed stack; then the config edits that apply it.
import { parsePgMemory, parseRedisMemory } from "../../model/native-units";
import { showCpu, showMemory, toBytes, toMillicores } from "../../model/quantity";
import { bytes, millicores } from "../../model/units";
import type { Plan, PlanWorkload } from "../capacity/build-plan";

/** Table-style memory, as plan prints its totals. */
const showMemoryC = (b: number) => showMemory(b, "compact");
import { type ConfigChange, changesOf } from "./config-edit";
import { type ContainerProposal, type ContainerUsage, type Decision, proposeContainer, type Resources, type Strategy } from "./strategy";
import type { TargetWorkload, Unmatched } from "./workloads";

/** What `recommend --json` prints (README: "recommend --json"). */
export interface Recommendation {
  stack: string;
  source: { prometheus: string } | { usageFile: string };
  namespace: string;
  windowSeconds: number;
  strategy: Strategy;
  queries: Record<string, string>;
  workloads: WorkloadRecommendation[];
  unmatched: Unmatched[];
  /** plan --json of the stack as it is, and of the stack with the proposal applied (null: invalid config). */
  current: Plan;
  proposed: Plan | null;
  /** The proposed config's problems, as plan prints them (`key.path: message`). */
  configErrors: string[];
  trade: string[];
  changes: ConfigChange[];
  commands: string[];
  written: boolean;
}

/** Usage as JSON: NaN and infinities (which JSON cannot carry) as the strings Prometheus uses. */
export interface UsageReport extends Omit<ContainerUsage, "cpuCores" | "memoryPeakBytes"> {
  cpuCores?: number | string;
  memoryPeakBytes?: number | string;
  pods: string[];
  historySeconds?: number;
}

const jsonNumber = (v: number | undefined) => (v === undefined ? {} : { value: Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf" });

function usageReport(u: ContainerUsage & { pods: string[] }): UsageReport {
  const { cpuCores, memoryPeakBytes, ...rest } = u;
  const cpu = jsonNumber(cpuCores);
  const memory = jsonNumber(memoryPeakBytes);
  return {
    ...rest,
    ...("value" in cpu ? { cpuCores: cpu.value } : {}),
    ...("value" in memory ? { memoryPeakBytes: memory.value } : {}),
    ...(u.first !== undefined && u.last !== undefined ? { historySeconds: u.last - u.first } : {}),
  };
}

export interface TuningChange {
  key: string;
  before: unknown;
  after: unknown;
  /** True when a value users rely on goes down (fewer workers, smaller buffers). */
  reduced: boolean;
}

export interface WorkloadRecommendation {
  name: string;
  component: string;
  kind: string;
  configKey: string;
  container: string;
  usage: UsageReport | null;
  current: ResourcesJson;
  proposed: ResourcesJson;
  cpu: Decision;
  memory: Decision;
  tuning: TuningChange[];
}

/** Resources as integers, like plan's amounts; a missing limit is absent. */
export interface ResourcesJson {
  requests: { cpuMillis: number; memoryBytes: number };
  limits: { cpuMillis?: number; memoryBytes?: number };
}

/** Tuning values whose decrease users feel: fewer workers or sessions, smaller buffers and caps. */
export const RELIED_ON: Record<string, string[]> = {
  web: ["workers"],
  postgres: ["shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem"],
  redis: ["maxmemory"],
  "celery-worker": ["worker_concurrency", "worker_max_memory_per_child"],
  playwright: ["CONCURRENT"],
  meilisearch: ["MEILI_MAX_INDEXING_MEMORY", "MEILI_MAX_INDEXING_THREADS"],
};

/** The current resources of a rendered container; a missing request is its limit, as the API server says. */
export function currentResources(w: TargetWorkload): Resources {
  const lim = w.resources.limits ?? {};
  const req = w.resources.requests ?? {};
  const cpu = lim.cpu !== undefined ? toMillicores(String(lim.cpu)) : undefined;
  const memory = lim.memory !== undefined ? toBytes(String(lim.memory)) : undefined;
  return {
    requests: {
      cpu: req.cpu !== undefined ? toMillicores(String(req.cpu)) : (cpu ?? millicores(0)),
      memory: req.memory !== undefined ? toBytes(String(req.memory)) : (memory ?? bytes(0)),
    },
    limits: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) },
  };
}

const json = (r: Resources): ResourcesJson => ({
  requests: { cpuMillis: r.requests.cpu, memoryBytes: r.requests.memory },
  limits: { ...(r.limits.cpu !== undefined ? { cpuMillis: r.limits.cpu } : {}), ...(r.limits.memory !== undefined ? { memoryBytes: r.limits.memory } : {}) },
});

/** A tuning value as a number where it is one (Postgres and Redis memory strings included), for "went down". */
function magnitude(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  return parsePgMemory(v) ?? (/^\d+$/.test(v) ? Number(v) : parseRedisMemory(v));
}

export function tuningChanges(component: string, before: Record<string, unknown>, after: Record<string, unknown>): TuningChange[] {
  const relied = RELIED_ON[component] ?? [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((key) => {
      const b = magnitude(before[key]);
      const a = magnitude(after[key]);
      return { key, before: before[key], after: after[key], reduced: relied.includes(key) && b !== undefined && a !== undefined && a < b };
    });
}

export interface Proposals {
  byWorkload: Map<string, ContainerProposal>;
  changes: ConfigChange[];
}

export function propose(targets: readonly TargetWorkload[], usage: Map<string, ContainerUsage>, s: Strategy): Proposals {
  const byWorkload = new Map<string, ContainerProposal>();
  const changes: ConfigChange[] = [];
  for (const w of targets) {
    const p = proposeContainer(usage.get(w.name), currentResources(w), s);
    byWorkload.set(w.name, p);
    changes.push(...changesOf(w.configKey, p.current, p.proposed));
  }
  return { byWorkload, changes };
}

/**
 * The config keys the proposed stack's validation rejected (`postgres.resources.limits.memory: ...` names
 * `postgres`), among the workloads the proposal changes; their current values stay, with the problem as the
 * reason. Returns the workloads reverted (none: the problem is not one workload's, nothing to retry).
 */
export function rejectInvalid(p: Proposals, targets: readonly TargetWorkload[], problems: readonly string[]): string[] {
  const reverted: string[] = [];
  for (const w of targets) {
    const mine = problems.map((l) => l.trim()).filter((l) => l.startsWith(`${w.configKey}.`));
    if (mine.length === 0 || !p.changes.some((c) => c.path.startsWith(`${w.configKey}.`))) continue;
    const was = p.byWorkload.get(w.name)!;
    const tried = p.changes.filter((c) => c.path.startsWith(`${w.configKey}.`)).map((c) => `${c.path.slice(w.configKey.length + 1)} ${c.value}`).join(", ");
    const reason = `the proposal (${tried}) fails the stack's config validation: ${mine.join("; ")}`;
    p.byWorkload.set(w.name, { ...was, proposed: was.current, cpu: { action: "keep", reason }, memory: { action: "keep", reason } });
    p.changes = p.changes.filter((c) => !c.path.startsWith(`${w.configKey}.`));
    reverted.push(w.name);
  }
  return reverted;
}

export function workloadRecommendations(
  targets: readonly TargetWorkload[],
  usage: Map<string, ContainerUsage & { pods: string[] }>,
  proposals: Proposals,
  current: Plan,
  proposed: Plan | undefined,
): WorkloadRecommendation[] {
  const find = (p: Plan | undefined, name: string): PlanWorkload | undefined => p?.workloads.find((w) => w.name === name);
  return targets.map((w) => {
    const p = proposals.byWorkload.get(w.name)!;
    const u = usage.get(w.name);
    const before = find(current, w.name)?.tuning ?? {};
    const after = proposed ? (find(proposed, w.name)?.tuning ?? {}) : before;
    return {
      name: w.name,
      component: w.component,
      kind: w.kind,
      configKey: w.configKey,
      container: w.container,
      usage: u ? usageReport(u) : null,
      current: json(p.current),
      proposed: json(p.proposed),
      cpu: p.cpu,
      memory: p.memory,
      tuning: tuningChanges(w.component, before, after),
    };
  });
}

/** When the proposal does not fit: what it grows, and which of its changes to trade. Empty when it fits. */
export function tradeAdvice(current: Plan, proposed: Plan | undefined): string[] {
  if (!proposed) return [];
  const a = proposed.budget.allocatable;
  const peak = proposed.totals.rolloutPeak;
  const budgetFails = proposed.violations.some((v) => v.policy === "rightsize-enforce-node-budget" && v.enforcementLevel === "mandatory");
  if (!budgetFails && proposed.packing.fits && peak.cpuMillis <= a.cpuMillis && peak.memoryBytes <= a.memoryBytes) return [];
  // Requests x the most replicas the workload may run: what it adds to the stack's reservation at rest.
  const delta = proposed.workloads.map((w) => {
    const was = current.workloads.find((x) => x.name === w.name);
    return {
      name: w.name,
      cpu: (w.podRequests.cpuMillis - (was?.podRequests.cpuMillis ?? 0)) * w.maxReplicas,
      memory: (w.podRequests.memoryBytes - (was?.podRequests.memoryBytes ?? 0)) * w.maxReplicas,
    };
  });
  const over = { cpu: peak.cpuMillis - a.cpuMillis, memory: peak.memoryBytes - a.memoryBytes };
  const short: "cpu" | "memory" = over.memory / a.memoryBytes >= over.cpu / a.cpuMillis ? "memory" : "cpu";
  const show = (d: { cpu: number; memory: number }) => (short === "memory" ? `+${showMemoryC(d.memory)}` : `+${showCpu(d.cpu)}`);
  const grows = delta.filter((d) => d[short] > 0).sort((x, y) => y[short] - x[short]);
  const out = [
    `the proposal does not fit the node budget: rollout peak ${showCpu(peak.cpuMillis)} CPU / ${showMemoryC(peak.memoryBytes)} against ${showCpu(a.cpuMillis)} / ${showMemoryC(a.memoryBytes)} allocatable` +
      (proposed.packing.fits ? "" : `; ${proposed.packing.unplaced.length} pod(s) do not pack`),
  ];
  if (grows.length > 0) {
    out.push(`it grows (${short} requests x max replicas): ${grows.map((g) => `${g.name} ${show(g)}`).join(", ")}`);
    // The fewest of the largest growths whose current values would give back the overage.
    const trade: string[] = [];
    let freed = 0;
    for (const g of grows) {
      if (freed >= over[short] && trade.length > 0) break;
      trade.push(g.name);
      freed += g[short];
    }
    const enough = freed >= over[short];
    out.push(
      `to fit, trade: keep the current ${short} of ${trade.join(", ")} (gives back ${short === "memory" ? showMemoryC(freed) : showCpu(freed)}` +
        `${enough ? "" : `, less than the ${short === "memory" ? showMemoryC(over[short]) : showCpu(over[short])} over`}), lower other workloads, or raise nodeBudget`,
    );
  } else {
    out.push("the proposal grows no workload: the stack did not fit before it; lower workloads or raise nodeBudget");
  }
  return out;
}
