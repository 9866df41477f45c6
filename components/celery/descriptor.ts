// Celery's worker pools and beat as the rest of the program sees them (components/descriptor.ts).
import type { CeleryBeatConfig, CeleryPoolConfig } from "../../config/schema/celery";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { poolLimitFor, poolUsage } from "./tuning";

/** The Celery component's name in the platform; its workloads are named from it. */
export const CELERY_NAME = "celery";
export const poolWorkloadName = (pool: string): string => `${CELERY_NAME}-worker-${pool}`;
export const BEAT_WORKLOAD_NAME = `${CELERY_NAME}-beat`;

export const CELERY_WORKER: ComponentDescriptor<CeleryPoolConfig> = {
  kind: COMPONENT.celeryWorker,
  workloads: (c) =>
    Object.keys(c.celery?.workers ?? {})
      .sort()
      .map((pool) => ({ name: poolWorkloadName(pool), configKey: `celery.workers.${pool}`, config: c.celery!.workers[pool]! })),
  headline: ["queues", "worker_concurrency", "worker_max_memory_per_child", "worker_prefetch_multiplier", "task_time_limit", "visibility_timeout"],
  reliedOn: ["worker_concurrency", "worker_max_memory_per_child"],
  runsAppImage: true,
  usage: { countKey: "worker_concurrency", perUnitKey: "childMemory", unit: "Celery child", account: poolUsage, limitFor: poolLimitFor },
};

export const CELERY_BEAT: ComponentDescriptor<CeleryBeatConfig> = {
  kind: COMPONENT.celeryBeat,
  workloads: (c) => (c.celery?.beat.enabled ? [{ name: BEAT_WORKLOAD_NAME, configKey: "celery.beat", config: c.celery.beat }] : []),
  headline: ["beat_max_loop_interval", "beat_schedule_filename"],
  reliedOn: [],
  runsAppImage: true,
};
