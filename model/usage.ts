// A component's usage model: its container's memory as a fixed part plus units x a per-unit cost
// (gunicorn: master + workers x worker memory; Celery: parent + children x child memory; the browser
// service: base + heap + shm + sessions x session memory; Redis: overhead and fork headroom + the dataset).
// The derivation sizes the units from the limit with these numbers; recommend calibrates the per-unit cost
// from what was observed at the units that were in force, and the crash test loads each unit to its cost.
// Pure: the components declare their model (components/<x>/descriptor.ts), nothing here names one.
import { type Bytes, bytes } from "./units";

/** One workload's account under its config: the units in force, what does not grow with them, each unit's cost. */
export interface UsageAccount {
  /** Processes, sessions or connections as the rendered tuning counts them (1 for a Redis dataset). */
  readonly units: number;
  /** Memory that does not grow with the units. */
  readonly fixed: Bytes;
  /** Each unit's memory as the config declares it (or, for Redis, the dataset cap). */
  readonly perUnit: Bytes;
}

export interface UsageModel<C> {
  /** The tuning key that counts the units, as the software spells it (`workers`); absent when units are not counted. */
  readonly countKey?: string;
  /** The per-unit cost's config path under the workload's config key (`gunicorn.workerMemory`); absent when it is derived. */
  readonly perUnitKey?: string;
  /** What the unit is, for messages ("gunicorn worker", "Celery child"). */
  readonly unit: string;
  account(c: C): UsageAccount;
  /** The smallest memory limit under which the derivation gives at least `units` units of `perUnit` each. */
  limitFor(c: C, units: number, perUnit: Bytes): Bytes;
}

/**
 * Each unit's observed cost: what the peak left after the fixed part, shared by the units that were in
 * force when it was observed. Rounded up: a unit never needs less than it used.
 */
export function observedPerUnit(a: UsageAccount, peak: Bytes): Bytes {
  if (a.units < 1) return bytes(0);
  return bytes(Math.max(0, Math.ceil((peak - a.fixed) / a.units)));
}
