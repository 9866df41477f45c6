// Sizing the units, not the box: a workload whose component declares a usage model (memory = fixed +
// units x per-unit cost, components/<x>/descriptor.ts) gets its per-unit cost calibrated from what was
// observed at the units that were in force, and the limit that holds the same units at that cost,
// through the descriptor's own limitFor (never a share re-implemented here). The per-unit config key
// (`gunicorn.workerMemory`, `childMemory`, `sessionMemory`) is proposed with the limit, so the count the
// derivation gives stays what it was unless the user states another (`--count`) or allows it to move
// (`--allow-count-changes`); an OOM raise goes to the per-unit cost, so no count increase can eat it.
// A model with neither a count nor a per-unit key sizes its content (Redis: the dataset maxmemory must
// hold). Pure.
import { formatMemory, showMemory } from "../../model/quantity";
import { type Bytes, bytes, MiB } from "../../model/units";
import { observedPerUnit, type UsageModel } from "../../model/usage";
import { type ContainerUsage, oomFloor, type Resources, roundMemory, type Strategy } from "./strategy";

/** Whole MiB, up: what config carries. */
export const upToMiB = (b: number): Bytes => bytes(Math.max(MiB, Math.ceil(b / MiB) * MiB));
const percent = (x: number, p: number) => Math.ceil((x * (100 + p)) / 100);

export interface UnitsInput {
  model: UsageModel<unknown>;
  /** The workload's parsed config (the descriptor's WorkloadOf.config). */
  config: unknown;
  /** The count in force when the usage was observed: the rendered tuning's countKey. */
  unitsInForce?: number;
  usage: ContainerUsage;
  current: Resources;
  /** The CPU limit the proposal sets (a count may be CPU-bound too). */
  cpuLimit?: number;
  strategy: Strategy;
  /** A count the user stated (`--count web=3`). */
  target?: number;
  allowCountChanges: boolean;
}

export interface UnitsProposal {
  limit: Bytes;
  /** The per-unit config key and its value, when the model has one and it changes. */
  perUnit?: { key: string; from: Bytes; to: Bytes };
  /** Units before (in force) and after (as the derivation gives them under the proposal). */
  units: { before: number; after: number };
  reason: string;
}

/** A deep copy of a plain config with `path` (dotted) set to `value`. */
export function withPath<C>(config: C, path: string, value: unknown): C {
  const copy = structuredClone(config) as Record<string, unknown>;
  const keys = path.split(".");
  let o = copy;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== "object") o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
  return copy as C;
}

/** The workload's config as the proposal would make it: limits and the per-unit cost set. */
export function proposedConfig(model: UsageModel<unknown>, config: unknown, limit: number, cpuLimit: number | undefined, perUnit: number | undefined): unknown {
  let c = withPath(config, "resources.limits.memory", bytes(limit));
  if (cpuLimit !== undefined) c = withPath(c, "resources.limits.cpu", cpuLimit);
  if (perUnit !== undefined && model.perUnitKey) c = withPath(c, model.perUnitKey, bytes(perUnit));
  return c;
}

/** The memory each unit gets under a config: what the limit leaves after the fixed part, shared by the units. */
export function roomPerUnit(model: UsageModel<unknown>, config: unknown, limit: number): Bytes {
  const a = model.account(config);
  return bytes(a.units > 0 ? Math.floor((limit - a.fixed) / a.units) : 0);
}

export function proposeUnits(i: UnitsInput): UnitsProposal {
  const { model, config, usage: u, strategy: s } = i;
  const account = model.account(config);
  const before = i.unitsInForce ?? account.units;
  const peak = Math.ceil(u.memoryPeakBytes ?? 0);
  const kill = oomFloor(u, i.current, s);
  if (!model.countKey && !model.perUnitKey) return proposeContent(i, before, peak, kill);
  // The fixed part as it was when the usage was observed: a derived part (the browser's heap is a share
  // of the limit) follows the limit the pods ran with, when kube-state-metrics reports it.
  const ranWith = u.memoryLimitBytes !== undefined ? model.account(withPath(config, "resources.limits.memory", bytes(u.memoryLimitBytes))) : account;
  const at = { ...account, fixed: ranWith.fixed, units: before };
  const observed = observedPerUnit(at, bytes(peak));
  let need = upToMiB(percent(observed, s.memoryBufferPercent));
  let why = `peak ${showMemory(peak)} at ${before} x ${model.unit} + ${showMemory(at.fixed)} fixed -> ${showMemory(observed)} per ${model.unit}, + ${s.memoryBufferPercent}% = ${showMemory(need)}`;
  if (kill) {
    // The raise goes to each unit: a count increase cannot spend it.
    const perUnitAtKill = upToMiB(Math.ceil((kill.floor - at.fixed) / Math.max(1, before)));
    why += `; ${kill.why} -> ${showMemory(perUnitAtKill)} per ${model.unit}`;
    need = bytes(Math.max(need, perUnitAtKill));
  }
  const unitsAfter = (limit: number) => model.account(proposedConfig(model, config, limit, i.cpuLimit, need)).units;
  let target = i.target ?? before;
  let limit = upToMiB(model.limitFor(config, target, need));
  if (i.target === undefined && i.allowCountChanges) {
    // The box (peak plus the buffer, or the kill's floor), with the count following the limit, except
    // upwards after a kill.
    const box = roundMemory(Math.max(percent(peak, s.memoryBufferPercent), kill?.floor ?? 0));
    const n = unitsAfter(box);
    if (kill && n > before) why += `; --allow-count-changes would give ${n} x ${model.unit}, which would eat the OOM raise: kept at ${before}`;
    else {
      limit = box;
      target = n;
      why += `; --allow-count-changes: the box peak + ${s.memoryBufferPercent}% = ${showMemory(box)} holds ${n} x ${model.unit}`;
    }
  }
  if (kill && limit < kill.floor) {
    why += `; raised to the OOM floor ${showMemory(kill.floor)}`;
    limit = upToMiB(kill.floor);
  }
  const after = unitsAfter(limit);
  const sized = target === before && i.target === undefined ? `${before} x ${model.unit} (kept)` : `${target} x ${model.unit}${i.target !== undefined ? " (--count)" : ""}`;
  why += ` -> ${sized} -> limit ${formatMemory(limit)}`;
  if (after !== target) why += `; the derivation gives ${after} (the CPU limit or an explicit count bounds it)`;
  const perUnitKey = model.perUnitKey;
  return {
    limit,
    ...(perUnitKey && need !== account.perUnit ? { perUnit: { key: perUnitKey, from: account.perUnit, to: need } } : {}),
    units: { before, after },
    reason: why,
  };
}

/** A model that caps content (Redis' dataset): the cap must hold the observed content + the buffer. */
function proposeContent(i: UnitsInput, before: number, peak: number, kill: ReturnType<typeof oomFloor>): UnitsProposal {
  const { model, config, usage: u, strategy: s } = i;
  const fromExporter = u.datasetBytes !== undefined && Number.isFinite(u.datasetBytes);
  const content = Math.ceil(fromExporter ? u.datasetBytes! : peak);
  const need = upToMiB(percent(content, s.memoryBufferPercent));
  let limit = upToMiB(model.limitFor(config, 1, need));
  let why =
    `${model.unit} ${showMemory(content)} (${fromExporter ? "redis_memory_used_bytes" : "working set: no redis_exporter series"})` +
    `${u.maxmemoryBytes !== undefined ? `, maxmemory in force ${showMemory(u.maxmemoryBytes)}` : ""}, + ${s.memoryBufferPercent}% = ${showMemory(need)}`;
  if (kill && limit < kill.floor) {
    why += `; ${kill.why}`;
    limit = upToMiB(kill.floor);
  }
  const cap = model.account(proposedConfig(model, config, limit, i.cpuLimit, undefined)).perUnit;
  why += ` -> limit ${formatMemory(limit)} (the cap it derives: ${showMemory(cap)})`;
  return { limit, units: { before, after: before }, reason: why };
}
