// Sizing the units: the per-unit cost calibrated at the count in force, the limit from the descriptor's
// limitFor, OOM raises to each unit, and the count kept unless stated or allowed.
import { describe, expect, it } from "vitest";
import { CELERY_WORKER } from "../../../components/celery/descriptor";
import { PLAYWRIGHT } from "../../../components/playwright/descriptor";
import { REDIS } from "../../../components/redis/descriptor";
import { WEB } from "../../../components/web/descriptor";
import { bytes, MiB, millicores } from "../../../model/units";
import type { UsageModel } from "../../../model/usage";
import { DEFAULT_STRATEGY, type ContainerUsage, type Resources } from "../../../tools/recommend/strategy";
import { proposedConfig, proposeUnits, type UnitsInput } from "../../../tools/recommend/units";
import { baseValues, set, valid } from "../../helpers/stack";

const usage = (u: Partial<ContainerUsage>): ContainerUsage => ({ oomKilled: false, restarts: 0, samples: 2880, first: 0, last: 2 * 86400, ...u });
const res = (lc: number, lm: number): Resources => ({ requests: { cpu: millicores(100), memory: bytes(lm * MiB) }, limits: { cpu: millicores(lc), memory: bytes(lm * MiB) } });
const model = (m: UsageModel<never> | undefined) => m as unknown as UsageModel<unknown>;
const input = (i: Partial<UnitsInput> & Pick<UnitsInput, "model" | "config" | "usage" | "current">): UnitsInput => ({ strategy: DEFAULT_STRATEGY, allowCountChanges: false, ...i });

describe("web: an over-sized web comes down by calibrating gunicorn.workerMemory", () => {
  // dev's web: 2 workers (min(2 x 500m + 1, (512Mi - 64Mi) / 200Mi)) peaking at 167Mi.
  const web = valid().web;
  const m = model(WEB.usage as never);
  it("(167Mi - 64Mi master) / 2 = 51.5Mi per worker, + 15% -> 60Mi; limit 64Mi + 2 x 60Mi = 184Mi; still 2 workers", () => {
    const p = proposeUnits(input({ model: m, config: web, unitsInForce: 2, usage: usage({ memoryPeakBytes: 167 * MiB }), current: res(500, 512), cpuLimit: 500 }));
    expect(p.limit).toBe(184 * MiB);
    expect(p.perUnit).toEqual({ key: "gunicorn.workerMemory", from: 200 * MiB, to: 60 * MiB });
    expect(p.units).toEqual({ before: 2, after: 2 });
    expect(p.reason).toBe("peak 167Mi at 2 x gunicorn worker + 64Mi fixed -> 51.50Mi per gunicorn worker, + 15% = 60Mi -> 2 x gunicorn worker (kept) -> limit 184Mi");
  });
  it("the config check passes with the proposal (it failed with the limit alone: 192Mi < 64Mi + 200Mi)", () => {
    const values = set(set(set(baseValues(), "web.resources.limits.memory", "184Mi"), "web.resources.requests.memory", "184Mi"), "web.gunicorn.workerMemory", "60Mi");
    expect(valid(values).web.resources.limits.memory).toBe(184 * MiB);
    expect(() => valid(set(set(baseValues(), "web.resources.limits.memory", "192Mi"), "web.resources.requests.memory", "192Mi"))).toThrow(/gunicorn/);
  });
  it("--count web=3 sizes for three workers at the calibrated cost (the CPU limit then bounds it)", () => {
    const p = proposeUnits(input({ model: m, config: web, unitsInForce: 2, usage: usage({ memoryPeakBytes: 167 * MiB }), current: res(500, 512), cpuLimit: 500, target: 3 }));
    expect(p.limit).toBe(244 * MiB);
    expect(p.units).toEqual({ before: 2, after: 2 });
    expect(p.reason).toContain("-> 3 x gunicorn worker (--count) -> limit 244Mi; the derivation gives 2 (the CPU limit or an explicit count bounds it)");
    const wide = proposeUnits(input({ model: m, config: web, unitsInForce: 2, usage: usage({ memoryPeakBytes: 167 * MiB }), current: res(500, 512), cpuLimit: 1000, target: 3 }));
    expect(wide.units).toEqual({ before: 2, after: 3 });
  });
});

describe("Celery: an OOM fix that holds", () => {
  // The pool: 6 processes in 1536Mi, OOM-killed there.
  const values = set(set(set(baseValues(), "celery", { app: "app:celery", workers: { default: { queues: ["default"], profile: "io", resources: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { cpu: "2", memory: "1536Mi" } }, timeLimit: 120, concurrency: undefined } } }), "celery.workers.default.childMemory", "200Mi"), "celery.workers.default.parentMemory", "100Mi");
  const pool = valid(values).celery!.workers.default!;
  const m = model(CELERY_WORKER.usage as never);
  const killed = usage({ memoryPeakBytes: 1500 * MiB, oomKilled: true, oomLimitBytes: 1536 * MiB, memoryLimitBytes: 1536 * MiB });
  it("the concurrency stays 6, the per-child cost goes up, and the limit is poolLimitFor(6, cost)", () => {
    expect(m.account(pool).units).toBe(6);
    const p = proposeUnits(input({ model: m, config: pool, unitsInForce: 6, usage: killed, current: res(2000, 1536), cpuLimit: 2000 }));
    // 1536Mi x 1.25 = 1920Mi; (1920Mi - 100Mi parent) / 6 = 303.33Mi -> 304Mi a child.
    expect(p.perUnit).toEqual({ key: "childMemory", from: 200 * MiB, to: 304 * MiB });
    expect(p.units).toEqual({ before: 6, after: 6 });
    expect(p.limit).toBe(Math.ceil(CELERY_WORKER.usage!.limitFor(pool, 6, bytes(304 * MiB)) / MiB) * MiB);
    expect(p.limit).toBeGreaterThanOrEqual(1920 * MiB);
    // Rerun on the same data with the proposal written: nothing new.
    const written = proposedConfig(m, pool, p.limit, 2000, p.perUnit!.to);
    const again = proposeUnits(input({ model: m, config: written, unitsInForce: m.account(written).units, usage: killed, current: res(2000, p.limit / MiB), cpuLimit: 2000 }));
    expect(again.limit).toBe(p.limit);
    expect(again.perUnit).toBeUndefined();
    expect(again.units).toEqual({ before: 6, after: 6 });
  });
  it("--allow-count-changes after a kill: the count may go down, never up, and each child keeps the raise", () => {
    const p = proposeUnits(input({ model: m, config: pool, unitsInForce: 6, usage: killed, current: res(2000, 1536), cpuLimit: 2000, allowCountChanges: true }));
    // The box max(1500Mi + 15%, 1920Mi) = 1920Mi holds (90% x 1920Mi - 100Mi) / 304Mi = 5 children.
    expect(p.limit).toBe(1920 * MiB);
    expect(p.units).toEqual({ before: 6, after: 5 });
    expect(p.perUnit!.to).toBe(304 * MiB);
  });
  it("--allow-count-changes without a kill lets the box decide the count, said", () => {
    const calm = usage({ memoryPeakBytes: 700 * MiB });
    const p = proposeUnits(input({ model: m, config: pool, unitsInForce: 6, usage: calm, current: res(2000, 1536), cpuLimit: 2000, allowCountChanges: true }));
    // The box: 700Mi + 15% = 805Mi -> 832Mi; at the calibrated 117Mi a child, 6 fit.
    expect(p.limit).toBe(832 * MiB);
    expect(p.reason).toContain("--allow-count-changes: the box peak + 15% = 832Mi holds");
  });
});

describe("the browser service: the session count stays, each session gets the raise", () => {
  const values = set(baseValues(), "playwright", { enabled: true, resources: { requests: { cpu: "500m", memory: "2560Mi" }, limits: { cpu: "2", memory: "2560Mi" } } });
  const pw = valid(values).playwright!;
  const m = model(PLAYWRIGHT.usage as never);
  it("OOM-killed at 2560Mi: CONCURRENT stays, sessionMemory goes up, and a rerun proposes the same", () => {
    const n = m.account(pw).units;
    const killed = usage({ memoryPeakBytes: 2500 * MiB, oomKilled: true, oomLimitBytes: 2560 * MiB, memoryLimitBytes: 2560 * MiB });
    const p = proposeUnits(input({ model: m, config: pw, unitsInForce: n, usage: killed, current: res(2000, 2560), cpuLimit: 2000 }));
    expect(p.units).toEqual({ before: n, after: n });
    expect(p.perUnit!.to).toBeGreaterThan(p.perUnit!.from);
    expect(p.limit).toBeGreaterThanOrEqual(3200 * MiB);
    const written = proposedConfig(m, pw, p.limit, 2000, p.perUnit!.to);
    const again = proposeUnits(input({ model: m, config: written, unitsInForce: m.account(written).units, usage: killed, current: res(2000, p.limit / MiB), cpuLimit: 2000 }));
    expect([again.limit, again.perUnit, again.units]).toEqual([p.limit, undefined, { before: n, after: n }]);
  });
});

describe("Redis: maxmemory is never below the observed dataset", () => {
  const broker = valid().redis.broker;
  const m = model(REDIS.usage as never);
  it("from redis_memory_used_bytes when present: maxmemory >= dataset + 15%", () => {
    const p = proposeUnits(input({ model: m, config: broker, usage: usage({ memoryPeakBytes: 700 * MiB, datasetBytes: 560 * MiB }), current: res(1000, 1024) }));
    const maxmemory = m.account(proposedConfig(m, broker, p.limit, undefined, undefined)).perUnit;
    expect(maxmemory).toBeGreaterThanOrEqual(Math.ceil(560 * 1.15) * MiB);
    // The limit is the descriptor's: the smallest whose derived maxmemory holds 644Mi.
    expect(p.limit).toBe(REDIS.usage!.limitFor(broker, 1, bytes(644 * MiB)));
    expect(p.reason).toContain("dataset 560Mi (redis_memory_used_bytes)");
  });
  it("without redis_exporter, the working set stands for the dataset", () => {
    const p = proposeUnits(input({ model: m, config: broker, usage: usage({ memoryPeakBytes: 700 * MiB }), current: res(1000, 1024) }));
    expect(m.account(proposedConfig(m, broker, p.limit, undefined, undefined)).perUnit).toBeGreaterThanOrEqual(700 * MiB);
    expect(p.reason).toContain("working set: no redis_exporter series");
  });
});
