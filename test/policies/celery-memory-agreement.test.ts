// The Celery component and the memory-fit policy read one rule (model/celery-memory). They once drifted
// apart (the component planned for 90% of the limit and a 100Mi parent, the policy for 100% and 128Mi), so
// a stack the config check rejected passed the pack. This walks the boundary of every case and asserts
// that both say the same thing about the same worker.
import { describe, expect, it } from "vitest";
import { poolSettings } from "../../components/celery/tuning";
import { TUNING_KEY } from "../../model/annotations";
import { DEFAULT_PARENT_MEMORY } from "../../model/celery-memory";
import { formatMemory } from "../../model/quantity";
import { messages } from "../helpers/policy";
import { baseValues, problems, resources, set, valid } from "../helpers/stack";
import { changed } from "./fixtures";

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
