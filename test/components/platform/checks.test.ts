// Keys with no effect are warned about, naming the key; the plan still runs.
import { describe, expect, it } from "vitest";
import { ineffectiveKeys } from "../../../components/platform/checks";
import { baseValues, raw, set, valid } from "../../helpers/stack";

const warnings = (values: Record<string, unknown>) => ineffectiveKeys(valid(values), raw(values));

describe("ineffectiveKeys", () => {
  it("names KEDA's cooldownSeconds on a pool that never scales to zero", () => {
    const pool = (minReplicas: number) => ({ concurrency: 1, autoscaling: { minReplicas, maxReplicas: 2, cooldownSeconds: 600 } });
    const v = set(baseValues(), "celery", { workers: { a: pool(1), b: pool(0) }, beat: { enabled: false } });
    expect(warnings(v)).toEqual([
      "celery.workers.a.autoscaling.cooldownSeconds: has no effect: KEDA's cooldownPeriod only applies when a pool scales to zero, and its minReplicas is 1",
    ]);
  });

  it("names storage on a Redis without persistence, and shm.size when shm is not memory-backed", () => {
    let v = set(baseValues(), "redis.cache", { password: "redis-secret-9b1f7e3d5a", storage: { size: "1Gi" } });
    v = set(v, "playwright", { shm: { size: "128Mi" } });
    expect(warnings(v)).toEqual([
      "redis.cache.storage: has no effect: this instance keeps nothing on disk (appendonly no, no save points), so it gets no volume",
      "playwright.shm.size: has no effect: shm.mode is disable, so /dev/shm is not memory-backed",
    ]);
  });

  it("says nothing about keys that take effect, or defaults nobody typed", () => {
    let v = set(baseValues(), "redis.broker.storage", { size: "4Gi" });
    v = set(v, "playwright", { shm: { mode: "memory", size: "128Mi" } });
    expect(warnings(v)).toEqual([]);
    expect(warnings(set(baseValues(), "playwright", {}))).toEqual([]);
  });
});
