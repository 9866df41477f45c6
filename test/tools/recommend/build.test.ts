import { describe, expect, it } from "vitest";
import { bytes, MiB, millicores } from "../../../model/units";
import { propose, rejectInvalid, tuningChanges } from "../../../tools/recommend/build";
import { DEFAULT_STRATEGY } from "../../../tools/recommend/strategy";
import type { TargetWorkload } from "../../../tools/recommend/workloads";

describe("tuningChanges", () => {
  it("lists what changed and flags the reductions users rely on, reading Postgres and Redis units", () => {
    expect(tuningChanges("postgres", { shared_buffers: "1GB", work_mem: "4MB", jit: "off" }, { shared_buffers: "640MB", work_mem: "4MB", jit: "on" })).toEqual([
      { key: "shared_buffers", before: "1GB", after: "640MB", reduced: true },
      { key: "jit", before: "off", after: "on", reduced: false },
    ]);
    expect(tuningChanges("web", { workers: 3, timeout: 120 }, { workers: 4, timeout: 60 })).toEqual([
      { key: "workers", before: 3, after: 4, reduced: false },
      { key: "timeout", before: 120, after: 60, reduced: false },
    ]);
    expect(tuningChanges("redis", { maxmemory: 643825664 }, { maxmemory: 321912832 })[0]!.reduced).toBe(true);
    expect(tuningChanges("celery-worker", { worker_concurrency: 8 }, { worker_concurrency: 3 })[0]!.reduced).toBe(true);
  });
});

describe("rejectInvalid", () => {
  const target = (name: string, configKey: string): TargetWorkload => ({
    name,
    kind: "StatefulSet",
    component: name,
    namespace: "ns",
    container: name,
    configKey,
    resources: { requests: { cpu: "1500m" }, limits: { cpu: "2", memory: "4Gi" } },
  });
  const ts = [target("postgres", "postgres"), target("redis-broker", "redis.broker")];
  const usage = { oomKilled: false, restarts: 0, samples: 100, first: 0, last: 2 * 86400, cpuCores: 0.4, memoryPeakBytes: 1600 * MiB };
  it("keeps the current values of the workloads the validation names, with its message, and leaves the rest", () => {
    const p = propose(ts, new Map([["postgres", usage], ["redis-broker", usage]]), DEFAULT_STRATEGY);
    expect(p.changes.map((c) => c.path)).toContain("postgres.resources.limits.memory");
    const problems = ["Pulumi.prod.yaml has 1 problem:", "  postgres.resources.limits.memory: 2200MB does not fit limits.memory 1920Mi (got \"1920Mi\")"];
    expect(rejectInvalid(p, ts, problems)).toEqual(["postgres"]);
    expect(p.changes.every((c) => c.path.startsWith("redis.broker."))).toBe(true);
    const pg = p.byWorkload.get("postgres")!;
    expect(pg.proposed).toEqual({ requests: { cpu: millicores(1500), memory: bytes(4096 * MiB) }, limits: { cpu: millicores(2000), memory: bytes(4096 * MiB) } });
    expect(pg.memory.reason).toBe(
      'the proposal (resources.requests.cpu 400m, resources.requests.memory 1920Mi, resources.limits.memory 1920Mi) fails the stack\'s config validation: postgres.resources.limits.memory: 2200MB does not fit limits.memory 1920Mi (got "1920Mi")',
    );
    // A problem that names no changed workload cannot be traded away: nothing to retry.
    expect(rejectInvalid(p, ts, ["  celery.visibilityTimeout: too small"])).toEqual([]);
  });
});
