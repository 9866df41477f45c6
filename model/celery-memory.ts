// The Celery prefork memory rule, defined once: the component sizes worker_max_memory_per_child with it
// and the policy checks the rendered settings with it, so they agree on every boundary.
// A prefork worker holds `concurrency` children, each recycled only after it passes its cap, plus the
// parent. Only a share of the limit is planned for: a child may overshoot its cap during the task that
// crosses it (it recycles after that task), and the rest of the limit absorbs that peak.
import { type Bytes, KiB, mebibytes } from "./units";

/** The share of the memory limit the processes may plan for. */
export const MEMORY_SHARE_PERCENT = 90;

/** The parent with the app imported, when the config does not say (the schema's default and the policy's). */
export const DEFAULT_PARENT_MEMORY: Bytes = mebibytes(100);

/** Bytes to KiB, rounded up: Celery's cap is in KiB, and a process never needs less than it uses. */
export const kib = (b: number): number => Math.ceil(b / KiB);

/** floor(90% of the limit) in KiB, in integers. */
export function memoryBudgetKiB(limit: Bytes): number {
  return Math.floor((limit * MEMORY_SHARE_PERCENT) / (100 * KiB));
}

export interface CeleryMemoryFit {
  /** 90% of the limit, KiB. */
  budgetKiB: number;
  parentKiB: number;
  /** concurrency x per child + parent, KiB. */
  needKiB: number;
  fits: boolean;
  /** The largest per-child cap that fits at this concurrency, KiB (0 when no child fits). */
  maxPerChildKiB: number;
}

/** Whether `concurrency` children of `perChildKiB` beside the parent fit the planned share of the limit. */
export function celeryMemoryFit(limit: Bytes, concurrency: number, perChildKiB: number, parent: Bytes): CeleryMemoryFit {
  const budgetKiB = memoryBudgetKiB(limit);
  const parentKiB = kib(parent);
  const needKiB = concurrency * perChildKiB + parentKiB;
  return {
    budgetKiB,
    parentKiB,
    needKiB,
    fits: needKiB <= budgetKiB,
    maxPerChildKiB: concurrency < 1 ? 0 : Math.max(0, Math.floor((budgetKiB - parentKiB) / concurrency)),
  };
}

/** How many children of `childKiB` fit beside the parent. */
export function childrenThatFit(limit: Bytes, childKiB: number, parent: Bytes): number {
  return Math.max(0, Math.floor((memoryBudgetKiB(limit) - kib(parent)) / childKiB));
}

