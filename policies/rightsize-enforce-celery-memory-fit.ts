// A prefork Celery worker holds `worker_concurrency` children, each recycled only after it passes
// `worker_max_memory_per_child` (KiB), plus the parent. If that sum exceeds the share of the memory limit
// the component plans for (model/celery-memory: the rule the component sizes the cap with), a child's
// last task before it recycles takes the container past its limit and the kernel kills it.
import { COMPONENT, TUNING_KEY } from "../model/annotations";
import { celeryMemoryFit, DEFAULT_PARENT_MEMORY, MEMORY_SHARE_PERCENT } from "../model/celery-memory";
import { mainContainer, memoryLimit } from "../model/k8s";
import { showMemory } from "../model/quantity";
import { bytes, KiB } from "../model/units";
import { numberSetting } from "./lib/tuning";
import { tuningPolicy } from "./lib/policy";

/** Tuning key (bytes) for the parent's resident memory; not a Celery setting, so it carries our prefix. */
export const PARENT_KEY = TUNING_KEY.celeryParentMemory;

export const enforceCeleryMemoryFit = tuningPolicy({
  name: "rightsize-enforce-celery-memory-fit",
  description: `A Celery worker's concurrency x worker_max_memory_per_child + the parent fits ${MEMORY_SHARE_PERCENT}% of its memory limit.`,
  enforcementLevel: "mandatory",
  component: COMPONENT.celeryWorker,
  check: (tuning, o) => {
    const pool = tuning.worker_pool ?? "prefork";
    if (pool !== "prefork") return [];
    const conc = numberSetting(tuning, "worker_concurrency");
    const perChild = numberSetting(tuning, "worker_max_memory_per_child");
    const parentSetting = numberSetting(tuning, PARENT_KEY);
    const errors = [conc, perChild, parentSetting].filter((v): v is { error: string } => typeof v === "object");
    if (errors.length > 0) return [errors.map((e) => e.error).join("; ")];
    const out: string[] = [];
    if (conc === undefined) out.push(`sets no worker_concurrency; Celery then starts one child per CPU of the node, not of the container`);
    if (perChild === undefined) out.push(`sets no worker_max_memory_per_child; a child that leaks grows until the container is OOM-killed`);
    const main = mainContainer(o, [COMPONENT.celeryWorker, "worker", "celery"]);
    const limit = main ? memoryLimit(main.c) : undefined;
    if (!main || limit === undefined) out.push(`${main?.label ?? "the pod"} has no memory limit to fit the worker's children into`);
    if (out.length > 0) return out;
    const parent = parentSetting === undefined ? DEFAULT_PARENT_MEMORY : bytes(Math.ceil(parentSetting as number));
    const fit = celeryMemoryFit(limit!, conc as number, perChild as number, parent);
    if (fit.fits) return [];
    const children = (conc as number) * (perChild as number) * KiB;
    return [
      `${main!.label}: worker_concurrency ${conc} x worker_max_memory_per_child ${perChild} KiB (${showMemory(children)}) + parent ${showMemory(fit.parentKiB * KiB)} ` +
        `= ${showMemory(fit.needKiB * KiB)} exceeds ${MEMORY_SHARE_PERCENT}% of the memory limit ${showMemory(limit!)} (${showMemory(fit.budgetKiB * KiB)}) by ${showMemory((fit.needKiB - fit.budgetKiB) * KiB)}; ` +
        `at most ${fit.maxPerChildKiB} KiB per child fits, else a child's last task before it recycles gets the container OOM-killed`,
    ];
  },
});
