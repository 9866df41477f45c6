// rightsize-enforce-celery-memory-fit: the mandatory rule that a prefork worker's children fit its memory
// limit, from the rightsize.io/tuning annotation; and the agreement between the policy and the component.
import { describe, expect, it } from "vitest";
import { poolSettings } from "../../components/celery/tuning";
import { TUNING_KEY } from "../../model/annotations";
import { DEFAULT_PARENT_MEMORY } from "../../model/celery-memory";
import { formatMemory } from "../../model/quantity";
import { evaluate, messages } from "../helpers/policy";
import { baseValues, problems, resources, set, valid } from "../helpers/stack";
import { changed, setTuning } from "./fixtures";

const WORKER_TUNING = { worker_concurrency: 4, worker_max_memory_per_child: 307200, task_time_limit: 3600, visibility_timeout: 4200 };
const worker = (tuning: Record<string, unknown>) => changed("Deployment", "celery-worker", (o) => setTuning(o, tuning));

describe("rightsize-enforce-celery-memory-fit", () => {
  const only = "rightsize-enforce-celery-memory-fit";

  it("rejects the seed's 6 x 400000 KiB children in a 2Gi limit, with the numbers", async () => {
    const objects = worker({ ...WORKER_TUNING, worker_concurrency: 6, worker_max_memory_per_child: 400000 });
    expect(await evaluate(objects)).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-worker",
        message:
          "Deployment celery-worker: container worker: worker_concurrency 6 x worker_max_memory_per_child 400000 KiB (2343.75Mi) + parent 100Mi " +
          "= 2443.75Mi exceeds 90% of the memory limit 2Gi (1843.20Mi) by 600.55Mi; at most 297506 KiB per child fits, " +
          "else a child's last task before it recycles gets the container OOM-killed",
      },
    ]);
  });

  it("counts the parent the component declares instead of the default", async () => {
    // 4 x 400Mi = 1600Mi fits 90% of 2Gi with the default 100Mi parent (the schema's), not with a 512Mi one.
    const fits = worker({ ...WORKER_TUNING, worker_max_memory_per_child: 409600 });
    expect(await messages(fits, only)).toEqual([]);
    expect(DEFAULT_PARENT_MEMORY).toBe(100 * 1024 * 1024);
    const heavy = worker({ ...WORKER_TUNING, worker_max_memory_per_child: 409600, rightsize_parent_memory: 512 * 1024 * 1024 });
    expect(await messages(heavy, only)).toEqual([
      "Deployment celery-worker: container worker: worker_concurrency 4 x worker_max_memory_per_child 409600 KiB (1600Mi) + parent 512Mi = 2112Mi exceeds 90% of the memory limit 2Gi (1843.20Mi) by 268.80Mi; " +
        "at most 340787 KiB per child fits, else a child's last task before it recycles gets the container OOM-killed",
    ]);
  });

  it("names each setting that is missing", async () => {
    expect(await messages(worker({ task_time_limit: 3600, visibility_timeout: 4200 }), only)).toEqual([
      "Deployment celery-worker: sets no worker_concurrency; Celery then starts one child per CPU of the node, not of the container",
      "Deployment celery-worker: sets no worker_max_memory_per_child; a child that leaks grows until the container is OOM-killed",
    ]);
  });

  it("does not apply to a pool without children", async () => {
    expect(await messages(worker({ ...WORKER_TUNING, worker_pool: "threads", worker_concurrency: 64 }), only)).toEqual([]);
  });

  it("a worker without the tuning annotation is a violation, not a pass", async () => {
    const objects = changed("Deployment", "celery-worker", (o) => delete o.metadata.annotations["rightsize.io/tuning"]);
    expect(await messages(objects, only)).toEqual(["Deployment celery-worker: has no rightsize.io/tuning annotation, so its settings cannot be checked"]);
  });
});

// The Celery component and the memory-fit policy read one rule (model/celery-memory). They once drifted
// apart (the component planned for 90% of the limit and a 100Mi parent, the policy for 100% and 128Mi), so
// a stack the config check rejected passed the pack. This walks the boundary of every case and asserts
// that both say the same thing about the same worker.
const POLICY = "rightsize-enforce-celery-memory-fit";
const res = (memory: string) => resources("500m", memory, "4", memory);
const stack = (p: Record<string, unknown>) => set(baseValues(), "celery", { workers: { pool: p } });

/** What the config check says about a pool's cap: does it reject it for the memory fit? */
function componentRejects(p: Record<string, unknown>): boolean {
  return problems(stack(p)).some((m) => m.startsWith("celery.workers.pool.maxMemoryPerChild:") && m.includes("more than 90%"));
}

/**
 * What the pack says about the worker the component renders for the pool with this cap: its tuning
 * annotation as worker.ts writes it (the override is written as given; the config check would stop it).
 */
async function policyRejects(base: Record<string, unknown>, cap: number, withParent: boolean): Promise<boolean> {
  const c = valid(stack(base)).celery!;
  const cfg = c.workers.pool!;
  const tuning = { ...poolSettings(c, "pool"), worker_max_memory_per_child: cap, ...(withParent ? { [TUNING_KEY.celeryParentMemory]: cfg.parentMemory } : {}) };
  const objects = changed("Deployment", "celery-worker", (o) => {
    o.metadata.annotations["rightsize.io/tuning"] = JSON.stringify(tuning);
    o.spec.template.spec.containers[0].resources = { requests: { cpu: "500m", memory: formatMemory(cfg.resources.limits.memory) }, limits: { cpu: "4", memory: formatMemory(cfg.resources.limits.memory) } };
  });
  return (await messages(objects, POLICY)).length > 0;
}

describe("the Celery memory fit: component and policy agree", () => {
  it("the policy's default parent is the schema's", () => {
    expect(valid(stack({ resources: res("1Gi") })).celery!.workers.pool!.parentMemory).toBe(DEFAULT_PARENT_MEMORY);
  });

  const cases: [string, number, string][] = [];
  for (const limit of ["1Gi", "1536Mi", "2Gi", "3Gi"]) for (const n of [1, 2, 4, 6]) for (const parent of ["100Mi", "128Mi", "300Mi"]) cases.push([limit, n, parent]);

  it.each(cases)("limit %s, concurrency %i, parent %s: the same verdict at the boundary cap and either side of it", async (limit, n, parent) => {
    const base = { resources: res(limit), concurrency: n, childMemory: "16Mi", parentMemory: parent };
    const boundary = poolSettings(valid(stack(base)).celery!, "pool").worker_max_memory_per_child;
    for (const cap of [boundary - 1, boundary, boundary + 1]) {
      const p = { ...base, maxMemoryPerChild: cap };
      const verdict = componentRejects(p);
      // The derived cap is the largest that fits: both accept it and both reject one KiB more.
      expect(verdict).toBe(cap > boundary);
      expect(await policyRejects(base, cap, true)).toBe(verdict);
      if (parent === "100Mi") expect(await policyRejects(base, cap, false)).toBe(verdict);
    }
  });
});
