// Celery worker settings derived from each pool's container limits. Pure: no @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import { formatCpu, formatMemory } from "../../model/quantity";
import type { StackConfig } from "../../config/schema";
import type { CeleryConfig, CeleryPoolConfig } from "../../config/schema/celery";
import type { ConnectionDemand } from "../../model/connections";
import { peakPods } from "../../model/rollout";
import { celeryMemoryFit, childrenThatFit, kib, MEMORY_SHARE_PERCENT, memoryBudgetKiB } from "../../model/celery-memory";
import { type Bytes, bytes, KiB, type Seconds, seconds } from "../../model/units";
import type { Derived } from "../../model/derived";
import type { UsageAccount } from "../../model/usage";

/** Per-pool settings keyed as Celery spells them (visibility_timeout flattened from broker_transport_options). */
export interface PoolSettings {
  queues: string[];
  worker_concurrency: number;
  worker_prefetch_multiplier: number;
  /** KiB, as Celery takes it. */
  worker_max_memory_per_child: number;
  worker_max_tasks_per_child: number;
  task_acks_late: true;
  task_reject_on_worker_lost: true;
  task_time_limit: number;
  task_soft_time_limit: number;
  visibility_timeout: number;
  /** Only with a soft-shutdown window (Celery >= 5.5). */
  worker_soft_shutdown_timeout?: number;
}

/** Redis' own default; ETA/countdown tasks sit unacknowledged until due, so the derived value never goes below it. */
export const MIN_DERIVED_VISIBILITY: Seconds = seconds(3600);
/** A task is long when its hard limit is at least this: prefetch 1 then. */
export const LONG_TASK_SECONDS = 300;
export const LONG_PREFETCH = 1;
export const SHORT_PREFETCH = 4;

/** CPU-bound: one process per whole core of the limit; I/O-bound: ioMultiplier per core. At least 1. */
export function cpuConcurrency(p: CeleryPoolConfig): number {
  const perCore = p.profile === "cpu" ? 1 : p.ioMultiplier;
  return Math.max(1, Math.floor((p.resources.limits.cpu * perCore) / 1000));
}

/** How many children of childMemory fit beside the parent in 90% of the limit. */
export function memoryConcurrency(p: CeleryPoolConfig): number {
  return childrenThatFit(p.resources.limits.memory, kib(p.childMemory), p.parentMemory);
}

/** The pool's process count and why: set in config, or the smaller of the CPU side and the memory side. */
export function concurrencyOf(p: CeleryPoolConfig): Derived<number> {
  if (p.concurrency !== undefined) return { value: p.concurrency, why: `${p.concurrency} (set in config)` };
  const c = cpuConcurrency(p);
  const m = memoryConcurrency(p);
  const cpuPart = p.profile === "cpu" ? `floor(${formatCpu(p.resources.limits.cpu)})` : `floor(${formatCpu(p.resources.limits.cpu)} x ${p.ioMultiplier})`;
  const value = Math.min(c, m);
  return {
    value,
    why:
      `min(${cpuPart} = ${c}, (${memoryBudgetKiB(p.resources.limits.memory)} KiB - ${kib(p.parentMemory)} KiB parent) / ` +
      `${kib(p.childMemory)} KiB per child = ${m}) = ${value}`,
  };
}

export function concurrency(p: CeleryPoolConfig): number {
  return concurrencyOf(p).value;
}

/** Each child's share of what the parent leaves: concurrency x cap + parent <= 90% of the limit. */
export function maxMemoryPerChild(p: CeleryPoolConfig): number {
  if (p.maxMemoryPerChild !== undefined) return p.maxMemoryPerChild;
  return celeryMemoryFit(p.resources.limits.memory, concurrency(p), 0, p.parentMemory).maxPerChildKiB;
}

export function softTimeLimit(p: CeleryPoolConfig): Seconds {
  return p.softTimeLimit ?? seconds(Math.max(1, Math.floor((p.timeLimit * 9) / 10)));
}

export function isLong(p: CeleryPoolConfig): boolean {
  return p.longTasks ?? p.timeLimit >= LONG_TASK_SECONDS;
}

export function prefetchMultiplier(p: CeleryPoolConfig): number {
  return p.prefetchMultiplier ?? (isLong(p) ? LONG_PREFETCH : SHORT_PREFETCH);
}

/**
 * A message is delivered when the worker reserves it, not when it starts: with prefetch m a reserved
 * message can wait m-1 task lengths, then run one. The visibility timeout must outlast that, with one
 * more hard limit as margin: (m + 1) x task_time_limit, i.e. 2x for prefetch 1.
 */
export function requiredVisibility(p: CeleryPoolConfig): Seconds {
  return seconds((prefetchMultiplier(p) + 1) * p.timeLimit);
}

/** The pool whose tasks need the longest visibility timeout, and that timeout. */
function strictestPool(c: CeleryConfig): [string, CeleryPoolConfig, Seconds] | undefined {
  let best: [string, CeleryPoolConfig, Seconds] | undefined;
  for (const [name, p] of Object.entries(c.workers)) {
    const need = requiredVisibility(p);
    if (!best || need > best[2]) best = [name, p, need];
  }
  return best;
}

/** Broker-wide: Redis restores any unacked message older than the timeout, whichever pool reserved it. */
export function visibilityTimeout(c: CeleryConfig): Seconds {
  if (c.visibilityTimeout !== undefined) return c.visibilityTimeout;
  const need = strictestPool(c)?.[2] ?? MIN_DERIVED_VISIBILITY;
  return seconds(Math.max(MIN_DERIVED_VISIBILITY, need));
}

/** How long a running task may still take after SIGTERM: the window when set, else up to the hard limit. */
export function drainSeconds(p: CeleryPoolConfig): Seconds {
  return p.softShutdownWindow ?? p.timeLimit;
}

/** The kubelet waits this long before SIGKILL: every running task finishes (or hits its limit) first. */
export function terminationGracePeriod(p: CeleryPoolConfig): Seconds {
  return p.terminationGracePeriodSeconds ?? seconds(drainSeconds(p) + p.shutdownMargin);
}

export function queues(name: string, p: CeleryPoolConfig): string[] {
  return p.queues ?? [name];
}

export function poolSettings(c: CeleryConfig, name: string): PoolSettings {
  const p = c.workers[name]!;
  return {
    queues: queues(name, p),
    worker_concurrency: concurrency(p),
    worker_prefetch_multiplier: prefetchMultiplier(p),
    worker_max_memory_per_child: maxMemoryPerChild(p),
    worker_max_tasks_per_child: p.maxTasksPerChild,
    task_acks_late: true,
    task_reject_on_worker_lost: true,
    task_time_limit: p.timeLimit,
    task_soft_time_limit: softTimeLimit(p),
    visibility_timeout: visibilityTimeout(c),
    ...(p.softShutdownWindow !== undefined ? { worker_soft_shutdown_timeout: p.softShutdownWindow } : {}),
  };
}



export const DEFAULT_REPLICAS = 1;

/** Fewest replicas: KEDA's minReplicaCount with autoscaling, else the fixed count. */
export function minReplicas(p: CeleryPoolConfig): number {
  return p.autoscaling?.minReplicas ?? p.replicas ?? DEFAULT_REPLICAS;
}

/** Most replicas at rest: KEDA's maxReplicaCount with autoscaling, else the fixed count. */
export function maxReplicas(p: CeleryPoolConfig): number {
  return p.autoscaling?.maxReplicas ?? p.replicas ?? DEFAULT_REPLICAS;
}

/** Postgres connections each pool can hold, for the max_connections check. */
export function celeryDbConnections(config: StackConfig): ConnectionDemand[] {
  const c = config.celery;
  if (!c) return [];
  return Object.entries(c.workers).map(([name, p]) => {
    // Old pods drain while their replacements already run; an autoscaled pool rolls at up to its max.
    const most = maxReplicas(p);
    const pods = peakPods("drain", most);
    const perProcess = p.database.poolSize + p.database.maxOverflow;
    const n = concurrency(p);
    return {
      key: `celery.workers.${name}`,
      connections: pods * n * perProcess,
      explain:
        `celery.workers.${name}: ${pods} pods (${most} ${p.autoscaling ? "autoscaling.maxReplicas" : "replicas"} + ${pods - most} new during a rollout while the old drain) x ${n} processes x ` +
        `(database.poolSize ${p.database.poolSize} + maxOverflow ${p.database.maxOverflow}) = ${pods * n * perProcess}`,
    };
  });
}

function checkPool(name: string, p: CeleryPoolConfig): ConfigIssue[] {
  const key = `celery.workers.${name}`;
  const out: ConfigIssue[] = [];
  const limit = p.resources.limits.memory;
  const budget = memoryBudgetKiB(limit);
  const parent = kib(p.parentMemory);
  const child = kib(p.childMemory);
  const ninety = `${MEMORY_SHARE_PERCENT}% of limits.memory ${formatMemory(limit)} (${budget} KiB)`;
  const n = concurrency(p);
  if (p.concurrency !== undefined && !celeryMemoryFit(limit, n, child, p.parentMemory).fits) {
    out.push(issue(`${key}.concurrency`, `${n} processes x ${child} KiB childMemory + ${parent} KiB parent = ${n * child + parent} KiB is more than ${ninety}; at most ${memoryConcurrency(p)} fit`, n));
  } else if (n < 1) {
    out.push(issue(`${key}.resources.limits.memory`, `leaves room for no worker process: ${child} KiB childMemory + ${parent} KiB parent is more than ${MEMORY_SHARE_PERCENT}% of it (${budget} KiB)`, formatMemory(limit)));
  }
  if (p.maxMemoryPerChild !== undefined && n >= 1) {
    const cap = p.maxMemoryPerChild;
    const fit = celeryMemoryFit(limit, n, cap, p.parentMemory);
    const total = fit.needKiB;
    if (!fit.fits) {
      out.push(
        issue(
          `${key}.maxMemoryPerChild`,
          `${n} processes x ${cap} KiB + ${parent} KiB parent = ${total} KiB is more than ${ninety}: the container is killed before a child is recycled; at most ${fit.maxPerChildKiB} KiB per child fits`,
          cap,
        ),
      );
    } else if (cap < child) {
      out.push(issue(`${key}.maxMemoryPerChild`, `is below childMemory ${child} KiB: every child would be replaced after its first task`, cap));
    }
  }
  if (p.prefetchMultiplier !== undefined && p.prefetchMultiplier > LONG_PREFETCH && isLong(p)) {
    out.push(
      issue(
        `${key}.prefetchMultiplier`,
        `must be 1 for long tasks (timeLimit ${p.timeLimit} s): a prefetched message waits behind a running task and its visibility timeout runs meanwhile`,
        p.prefetchMultiplier,
      ),
    );
  }
  if (p.softShutdownWindow !== undefined && p.softShutdownWindow >= p.timeLimit) {
    out.push(issue(`${key}.softShutdownWindow`, `must be below timeLimit ${p.timeLimit} s; to let tasks run to their limit, leave it unset`, p.softShutdownWindow));
  }
  const need = drainSeconds(p) + p.shutdownMargin;
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds < need) {
    const why =
      p.softShutdownWindow !== undefined
        ? `softShutdownWindow ${p.softShutdownWindow} s + shutdownMargin ${p.shutdownMargin} s = ${need} s`
        : `a running task may take until task_time_limit ${p.timeLimit} s (soft ${softTimeLimit(p)} s) after SIGTERM, so it must be at least ${p.timeLimit} + shutdownMargin ${p.shutdownMargin} = ${need} s, or set softShutdownWindow`;
    out.push(issue(`${key}.terminationGracePeriodSeconds`, `${p.terminationGracePeriodSeconds} s would kill running tasks at every rollout: ${why}`, p.terminationGracePeriodSeconds));
  }
  return out;
}

function checkVisibility(c: CeleryConfig): ConfigIssue[] {
  const strict = strictestPool(c);
  const v = c.visibilityTimeout;
  if (v === undefined || !strict) return [];
  const [name, p, need] = strict;
  const m = prefetchMultiplier(p);
  const rule = `(worker_prefetch_multiplier ${m} + 1) x task_time_limit ${p.timeLimit} s of celery.workers.${name} = ${need} s`;
  if (v <= p.timeLimit) {
    return [issue("celery.visibilityTimeout", `${v} s does not exceed task_time_limit ${p.timeLimit} s of celery.workers.${name}: Redis would hand a still-running task to a second worker; it must be at least ${rule}`, v)];
  }
  if (v < need) return [issue("celery.visibilityTimeout", `${v} s leaves too little margin: it must be at least ${rule}`, v)];
  return [];
}

function checkBeat(c: CeleryConfig): ConfigIssue[] {
  const b = c.beat;
  if (b.enabled && b.replicas !== 1) {
    const why = b.replicas > 1 ? `${b.replicas} beats would each send every scheduled task (duplicate schedules)` : "set celery.beat.enabled: false to run no beat";
    return [issue("celery.beat.replicas", `must be exactly 1: ${why}`, b.replicas)];
  }
  return [];
}

/** Cross-field checks that need the derivations; each names its key and the numbers. */
function consumedQueues(c: CeleryConfig): string[] {
  const pools = Object.entries(c.workers).filter(([, p]) => maxReplicas(p) > 0);
  return [...new Set(pools.flatMap(([name, p]) => queues(name, p)))];
}

/** task_default_queue: the configured one, else "default" when a pool consumes it, else the first pool's first queue. */
export function defaultQueue(c: CeleryConfig): string {
  if (c.defaultQueue !== undefined) return c.defaultQueue;
  const consumed = consumedQueues(c);
  if (consumed.includes("default")) return "default";
  const first = Object.keys(c.workers).sort()[0];
  return first !== undefined ? queues(first, c.workers[first]!)[0]! : "default";
}

/** A task sent without a queue goes to task_default_queue; some pool must consume it. */
function checkDefaultQueue(c: CeleryConfig): ConfigIssue[] {
  const consumed = consumedQueues(c).sort();
  if (c.defaultQueue === undefined || consumed.length === 0 || consumed.includes(c.defaultQueue)) return [];
  return [
    issue(
      "celery.defaultQueue",
      `no worker pool consumes this queue, so a task sent without a queue would wait forever (the pools consume ${consumed.join(", ")})`,
      c.defaultQueue,
    ),
  ];
}

export function checkCelery(c: CeleryConfig | undefined): ConfigIssue[] {
  if (!c) return [];
  return [
    ...Object.entries(c.workers).flatMap(([name, p]) => checkPool(name, p)),
    ...checkVisibility(c),
    ...checkDefaultQueue(c),
    ...checkBeat(c),
  ];
}

/** The usage model the pool's derivation sizes from: parent + concurrency x child memory. */
export function poolUsage(p: CeleryPoolConfig): UsageAccount {
  return { units: concurrency(p), fixed: p.parentMemory, perUnit: p.childMemory };
}

/**
 * The smallest limit whose memory side gives `children` children of `perChild` beside the parent: the
 * inverse of childrenThatFit (the planned share of the limit must hold them, KiB rounded as Celery takes it).
 */
export function poolLimitFor(p: CeleryPoolConfig, children: number, perChild: Bytes): Bytes {
  const needKiB = children * kib(perChild) + kib(p.parentMemory);
  return bytes(Math.ceil((needKiB * KiB * 100) / MEMORY_SHARE_PERCENT));
}
