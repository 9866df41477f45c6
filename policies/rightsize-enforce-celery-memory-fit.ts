// A prefork Celery worker holds `worker_concurrency` children, each recycled only after it passes
// `worker_max_memory_per_child` (KiB), plus the parent. If that sum exceeds the container's memory
// limit, the kernel kills the container before any child gets the chance to recycle.
import { TUNING_KEY } from "../model/annotations";
import { KiB, MiB } from "../model/units";
import { componentOf, describe, mainContainer, memoryLimit } from "../model/k8s";
import { showMemory } from "../model/quantity";
import { resourcePolicy } from "./lib/policy";
import { numberSetting, tuningOf } from "./lib/tuning";
import { isWorkload } from "../model/k8s";

export const WORKER = "celery-worker";
/** Tuning key (bytes) for the parent's resident memory; not a Celery setting, so it carries our prefix. */
export const PARENT_KEY = TUNING_KEY.celeryParentMemory;
/** The parent with the app imported, when the component does not say. */
export const DEFAULT_PARENT = 128 * MiB;

export const celeryMemoryFit = resourcePolicy({
  name: "rightsize-enforce-celery-memory-fit",
  description: "A Celery worker's concurrency x worker_max_memory_per_child + the parent fits its memory limit.",
  enforcementLevel: "mandatory",
  applies: (o) => isWorkload(o) && componentOf(o) === WORKER,
  check: (o) => {
    const t = tuningOf(o);
    if ("error" in t) return [t.error];
    const pool = t.tuning.worker_pool ?? "prefork";
    if (pool !== "prefork") return [];
    const d = describe(o);
    const conc = numberSetting(t.tuning, "worker_concurrency");
    const perChild = numberSetting(t.tuning, "worker_max_memory_per_child");
    const parentSetting = numberSetting(t.tuning, PARENT_KEY);
    const errors = [conc, perChild, parentSetting].filter((v): v is { error: string } => typeof v === "object");
    if (errors.length > 0) return [`${d}: ${errors.map((e) => e.error).join("; ")}`];
    const out: string[] = [];
    if (conc === undefined) out.push(`${d}: sets no worker_concurrency; Celery then starts one child per CPU of the node, not of the container`);
    if (perChild === undefined) out.push(`${d}: sets no worker_max_memory_per_child; a child that leaks grows until the container is OOM-killed`);
    const main = mainContainer(o, [WORKER, "worker", "celery"]);
    const limit = main ? memoryLimit(main.c) : undefined;
    if (!main || limit === undefined) out.push(`${d}: ${main?.label ?? "the pod"} has no memory limit to fit the worker's children into`);
    if (out.length > 0) return out;
    const parent = (parentSetting as number | undefined) ?? DEFAULT_PARENT;
    const children = (conc as number) * (perChild as number) * KiB;
    const need = children + parent;
    if (need <= limit!) return [];
    return [
      `${d}: ${main!.label}: worker_concurrency ${conc} x worker_max_memory_per_child ${perChild} KiB (${showMemory(children)}) + parent ${showMemory(parent)} ` +
        `= ${showMemory(need)} exceeds the memory limit ${showMemory(limit!)} by ${showMemory(need - limit!)}; the container is OOM-killed before a child recycles`,
    ];
  },
});
