// The recommendation as one object (what `--json` prints): per workload the usage, the current and
// proposed resources with reasons, and the tuning before -> after, read from the two plans that plan's
// own code built for the current and the proposed stack; then the config edits that apply it.
import { descriptorOf, workloadByConfigKey } from "../../components/registry";
import type { StackConfig } from "../../config/schema";
import { parsePgMemory, parseRedisMemory } from "../../model/native-units";
import { formatMemory, showCpu, showMemory, toBytes, toMillicores } from "../../model/quantity";
import { bytes, millicores } from "../../model/units";
import type { Plan, PlanWorkload } from "../capacity/build-plan";
import { type ConfigChange, changesOf } from "./config-edit";
import { type ContainerProposal, type ContainerUsage, type Decision, historySeconds, proposeContainer, type Resources, type Strategy } from "./strategy";
import { usageNotes } from "./notes";
import { proposedConfig, proposeUnits, roomPerUnit } from "./units";
import type { TargetWorkload, Unmatched } from "./workloads";

/** Table-style memory, as plan prints its totals. */
const showMemoryC = (b: number) => showMemory(b, "compact");

/** What `recommend --json` prints (README: "recommend --json"). */
export interface Recommendation {
  stack: string;
  source: { prometheus: string } | { usageFile: string };
  namespace: string;
  windowSeconds: number;
  strategy: Strategy;
  queries: Record<string, string>;
  workloads: WorkloadRecommendation[];
  /** Pods and containers not counted, each with the reason (a Job's pod, an unknown owner, ...). */
  unmatched: Unmatched[];
  /** How pods were mapped to workloads: kube_pod_owner series, or pod names (Kubernetes' alphabet). */
  mappedBy: "kube_pod_owner" | "name";
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
  /** Coverage: minutes with samples x 60, per replica (at most the window). */
  historySeconds?: number;
  /** First to last sample. */
  spanSeconds?: number;
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
    ...(u.first !== undefined && u.last !== undefined ? { historySeconds: historySeconds(u), spanSeconds: u.last - u.first } : {}),
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
  /** The units the memory is sized for (workloads whose component declares a usage model with a count). */
  count?: CountReport;
  /** The per-unit config key proposed with the limit, e.g. `gunicorn.workerMemory`. */
  perUnit?: { key: string; from: string; to: string };
  /** What the usage shows beyond sizing: a growth trend, throttling, restarts for other reasons, a stale OOM. */
  notes: string[];
}

/** A count (`workers`, `worker_concurrency`, `CONCURRENT`) before and after, with the memory each unit gets. */
export interface CountReport {
  key: string;
  unit: string;
  before: number;
  after: number;
  memoryPerUnitBefore: number;
  memoryPerUnitAfter: number;
}

/** Resources as integers, like plan's amounts; a missing limit is absent. */
export interface ResourcesJson {
  requests: { cpuMillis: number; memoryBytes: number };
  limits: { cpuMillis?: number; memoryBytes?: number };
}

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
  // Tuning values whose decrease users feel, as the component's descriptor states them.
  const relied = descriptorOf(component)?.reliedOn ?? [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((key) => {
      const b = magnitude(before[key]);
      const a = magnitude(after[key]);
      return { key, before: before[key], after: after[key], reduced: relied.includes(key) && b !== undefined && a !== undefined && a < b };
    });
}

export interface UnitsSizing {
  countKey?: string;
  unit: string;
  before: number;
  after: number;
  memoryPerUnitBefore: number;
  memoryPerUnitAfter: number;
  perUnit?: { key: string; from: string; to: string };
}

export interface Proposals {
  byWorkload: Map<string, ContainerProposal & { units?: UnitsSizing }>;
  changes: ConfigChange[];
}

/** What propose reads besides usage: the parsed stack, its plan, and the counts the user asked for. */
export interface ProposeContext {
  /** The current stack config, parsed: each workload's usage model reads its config. */
  config?: StackConfig;
  /** The current stack's plan: the counts in force (its rendered tuning) and the autoscalers. */
  plan?: Plan;
  /** Stated counts by workload name (`--count web=3`). */
  counts?: Record<string, number>;
  allowCountChanges?: boolean;
}

export function propose(targets: readonly TargetWorkload[], usage: Map<string, ContainerUsage>, s: Strategy, ctx: ProposeContext = {}): Proposals {
  const byWorkload = new Map<string, ContainerProposal & { units?: UnitsSizing }>();
  const changes: ConfigChange[] = [];
  for (const w of targets) {
    const planned = ctx.plan?.workloads.find((x) => x.name === w.name);
    const u = usage.get(w.name);
    const p: ContainerProposal & { units?: UnitsSizing } = proposeContainer(u, currentResources(w), s, { cpuHpa: planned?.scaler?.startsWith("HorizontalPodAutoscaler/") ?? false });
    const extra: ConfigChange[] = [];
    const model = descriptorOf(w.component)?.usage;
    const wc = ctx.config ? workloadByConfigKey(ctx.config, w.configKey) : undefined;
    // Sized per unit: a model whose count the limit sizes (countKey), or a cap on content (one unit, Redis'
    // dataset). A model whose count the config sets and whose per-unit cost the limit derives (Postgres'
    // backends: max_connections is config, work_mem follows the limit) is box-sized: its per-backend cost
    // is not calibrated from usage yet, and the config check still guards the committed-memory rule.
    const perUnit = model && wc && (model.countKey !== undefined || model.account(wc.workload.config).units === 1);
    if (model && wc && u && perUnit && p.memory.action === "set") {
      const inForce = model.countKey !== undefined ? planned?.tuning[model.countKey] : undefined;
      const sized = proposeUnits({
        model,
        config: wc.workload.config,
        ...(typeof inForce === "number" ? { unitsInForce: inForce } : {}),
        usage: u,
        current: p.current,
        ...(p.proposed.limits.cpu !== undefined ? { cpuLimit: p.proposed.limits.cpu } : {}),
        strategy: s,
        ...(ctx.counts?.[w.name] !== undefined ? { target: ctx.counts[w.name] } : {}),
        allowCountChanges: ctx.allowCountChanges ?? false,
      });
      p.proposed = { ...p.proposed, requests: { ...p.proposed.requests, memory: sized.limit }, limits: { ...p.proposed.limits, memory: sized.limit } };
      p.memory = { action: "set", reason: sized.reason };
      const curLimit = p.current.limits.memory ?? p.current.requests.memory;
      const after = proposedConfig(model, wc.workload.config, sized.limit, p.proposed.limits.cpu, sized.perUnit?.to);
      p.units = {
        ...(model.countKey ? { countKey: model.countKey } : {}),
        unit: model.unit,
        before: sized.units.before,
        after: sized.units.after,
        memoryPerUnitBefore: roomPerUnit(model, wc.workload.config, curLimit),
        memoryPerUnitAfter: roomPerUnit(model, after, sized.limit),
        ...(sized.perUnit ? { perUnit: { key: sized.perUnit.key, from: formatMemory(sized.perUnit.from), to: formatMemory(sized.perUnit.to) } } : {}),
      };
      if (sized.perUnit) extra.push({ path: `${w.configKey}.${sized.perUnit.key}`, value: formatMemory(sized.perUnit.to), from: formatMemory(sized.perUnit.from) });
    }
    byWorkload.set(w.name, p);
    changes.push(...changesOf(w.configKey, p.current, p.proposed), ...extra);
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
  s?: Strategy,
): WorkloadRecommendation[] {
  const find = (p: Plan | undefined, name: string): PlanWorkload | undefined => p?.workloads.find((w) => w.name === name);
  return targets.map((w) => {
    const p = proposals.byWorkload.get(w.name)!;
    const u = usage.get(w.name);
    const before = find(current, w.name)?.tuning ?? {};
    const after = proposed ? (find(proposed, w.name)?.tuning ?? {}) : before;
    const units = p.units;
    // The counts as the two plans render them, with the memory each unit gets under either config.
    const count = (k: string | undefined): CountReport | undefined => {
      if (!units || !k) return undefined;
      const b = typeof before[k] === "number" ? (before[k] as number) : units.before;
      const a = typeof after[k] === "number" ? (after[k] as number) : units.after;
      return { key: k, unit: units.unit, before: b, after: a, memoryPerUnitBefore: units.memoryPerUnitBefore, memoryPerUnitAfter: units.memoryPerUnitAfter };
    };
    const c = count(units?.countKey);
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
      ...(c ? { count: c } : {}),
      ...(units?.perUnit ? { perUnit: units.perUnit } : {}),
      notes: u ? usageNotes(u, p.current, s, p.proposed.limits.memory) : [],
    };
  });
}

/**
 * When the proposal does not fit: what it grows, and which of its changes to trade. Empty when it fits.
 * Each workload's growth is its pod requests' change x (max replicas + rollout surge pods): the same sum
 * as the node-budget policy's rollout peak (model/reservations' totals), so the growths add up to the
 * overage they are compared with. `surge` gives each workload's surge pods (none when absent).
 */
export function tradeAdvice(current: Plan, proposed: Plan | undefined, surge: (name: string) => number = () => 0): string[] {
  if (!proposed) return [];
  const a = proposed.budget.allocatable;
  const peak = proposed.totals.rolloutPeak;
  const budgetFails = proposed.violations.some((v) => v.policy === "rightsize-enforce-node-budget" && v.enforcementLevel === "mandatory");
  if (!budgetFails && proposed.packing.fits && peak.cpuMillis <= a.cpuMillis && peak.memoryBytes <= a.memoryBytes) return [];
  const delta = proposed.workloads.map((w) => {
    const was = current.workloads.find((x) => x.name === w.name);
    const pods = w.maxReplicas + surge(w.name);
    return {
      name: w.name,
      cpu: (w.podRequests.cpuMillis - (was?.podRequests.cpuMillis ?? 0)) * pods,
      memory: (w.podRequests.memoryBytes - (was?.podRequests.memoryBytes ?? 0)) * pods,
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
    out.push(`it grows (${short} requests x (max replicas + rollout surge), as the node-budget policy sums them): ${grows.map((g) => `${g.name} ${show(g)}`).join(", ")}`);
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
