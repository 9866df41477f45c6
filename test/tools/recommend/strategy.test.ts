import { describe, expect, it } from "vitest";
import { bytes, GiB, MiB, millicores } from "../../../model/units";
import { type ContainerUsage, DEFAULT_STRATEGY, parseDuration, proposeContainer, type Resources, roundCpu, roundMemory } from "../../../tools/recommend/strategy";

const NOW = 1_800_000_000;
const DAY = 86400;
const usage = (u: Partial<ContainerUsage>): ContainerUsage => ({ oomKilled: false, restarts: 0, samples: 2880, first: NOW - 2 * DAY, last: NOW, ...u });
const res = (rc: number, rm: number, lc: number | undefined, lm: number | undefined): Resources => ({
  requests: { cpu: millicores(rc), memory: bytes(rm * MiB) },
  limits: { ...(lc !== undefined ? { cpu: millicores(lc) } : {}), ...(lm !== undefined ? { memory: bytes(lm * MiB) } : {}) },
});

describe("rounding to sensible quantities", () => {
  it("CPU: 10m steps under 100m, 50m under a core, 250m above; at least 10m", () => {
    expect([0, 1, 10, 11, 99, 100, 101, 168, 250, 999, 1000, 1001, 1600].map(roundCpu)).toEqual([10, 10, 10, 20, 100, 100, 150, 200, 250, 1000, 1000, 1250, 1750]);
  });
  it("memory: 64Mi steps up to 1Gi, 128Mi up to 4Gi, 256Mi above; at least 64Mi", () => {
    const mi = (n: number) => roundMemory(n * MiB) / MiB;
    expect([1, 64, 65, 379.5, 1024, 1025, 1150, 2530, 4096, 4097].map(mi)).toEqual([64, 64, 128, 384, 1024, 1152, 1152, 2560, 4096, 4352]);
  });
});

describe("proposeContainer (KRR's simple strategy, CPU limits kept)", () => {
  it("over-provisioned: CPU request from p95, limit kept; memory request = limit = peak + 15%", () => {
    const p = proposeContainer(usage({ cpuCores: 0.1676, memoryPeakBytes: 330 * MiB }), res(500, 768, 1000, 1024));
    expect(p.proposed).toEqual(res(200, 384, 1000, 384));
    expect(p.cpu).toEqual({ action: "set", reason: "p95 of the 5m CPU rate = 0.168 cores -> request 200m; limit kept at 1 (the tuning reads it)" });
    expect(p.memory).toEqual({ action: "set", reason: "peak 330Mi + 15% = 379.50Mi -> request = limit 384Mi" });
  });

  it("an OOM kill: never below the killed limit + 25%, even when peak + 15% is less", () => {
    const p = proposeContainer(usage({ cpuCores: 0.57, memoryPeakBytes: 1000 * MiB, oomKilled: true }), res(200, 512, 1000, 1024));
    expect(p.proposed.limits.memory).toBe(1280 * MiB);
    expect(p.proposed.requests.memory).toBe(1280 * MiB);
    expect(p.memory.reason).toBe(
      "peak 1000Mi + 15% = 1150Mi; OOM-killed at limit 1Gi (the rendered limit: kube_pod_container_resource_limits has no series, so a rerun after --write raises again), + 25% = 1280Mi -> request = limit 1280Mi",
    );
  });

  it("an OOM kill raises from the limit at the kill (kube-state-metrics), not today's: a rerun after --write proposes the same", () => {
    const killed = usage({ cpuCores: 0.57, memoryPeakBytes: 1000 * MiB, oomKilled: true, oomLimitBytes: 1024 * MiB });
    const first = proposeContainer(killed, res(200, 512, 1000, 1024));
    expect(first.proposed.limits.memory).toBe(1280 * MiB);
    // The stack file now says 1280Mi; the data still says the kill was at 1Gi.
    const rerun = proposeContainer(killed, first.proposed);
    expect(rerun.proposed).toEqual(first.proposed);
    expect(rerun.memory.reason).toBe("peak 1000Mi + 15% = 1150Mi; OOM-killed at limit 1Gi, + 25% = 1280Mi -> request = limit 1280Mi");
  });

  it("a CPU HPA keeps the CPU request (KRR), with the reason", () => {
    const p = proposeContainer(usage({ cpuCores: 0.1676, memoryPeakBytes: 330 * MiB }), res(500, 768, 1000, 1024), DEFAULT_STRATEGY, { cpuHpa: true });
    expect(p.proposed.requests.cpu).toBe(500);
    expect(p.cpu).toEqual({ action: "keep", reason: "request kept at 500m: its HPA scales on CPU utilization, a share of the request (p95 was 0.168 cores); limit kept at 1 (the tuning reads it)" });
  });

  it("throttled in more than 25% of CFS periods: the limit it was throttled at + 50%; at 25% or less, kept", () => {
    const hot = usage({ cpuCores: 0.975, memoryPeakBytes: 800 * MiB, throttledRatio: 0.4, cpuLimitMillis: 2000 });
    const p = proposeContainer(hot, res(500, 2048, 2000, 2048));
    expect(p.proposed.limits.cpu).toBe(3000);
    expect(p.cpu.reason).toBe("p95 of the 5m CPU rate = 0.975 cores -> request 1; throttled in 40% of CFS periods at limit 2 -> limit 3");
    // After --write the stack says 3; the data says it was throttled at 2: the same proposal.
    expect(proposeContainer(hot, p.proposed).proposed.limits.cpu).toBe(3000);
    expect(proposeContainer(usage({ ...hot, throttledRatio: 0.25 }), res(500, 2048, 2000, 2048)).proposed.limits.cpu).toBe(2000);
  });

  it("history is coverage: 2 h of samples spread over 6.5 days is 2 h", () => {
    const sparse = usage({ cpuCores: 0.1, memoryPeakBytes: 100 * MiB, first: NOW - 6.5 * DAY, coverageSeconds: 7200 });
    expect(proposeContainer(sparse, res(200, 512, 1000, 1024)).cpu).toEqual({ action: "keep", reason: "only 2h of history (spread over 156h), less than the 24h required" });
  });

  it("an OOM kill with a peak above the limit (a later, larger limit): peak + 15% wins", () => {
    const p = proposeContainer(usage({ cpuCores: 0.5, memoryPeakBytes: 2 * GiB, oomKilled: true }), res(200, 512, 1000, 1024));
    expect(p.proposed.limits.memory).toBe(2432 * MiB); // 2048 x 1.15 = 2355.2 -> 2432
  });

  it("a CPU percentile above the limit raises the limit to the request", () => {
    const p = proposeContainer(usage({ cpuCores: 1.2, memoryPeakBytes: 100 * MiB }), res(500, 128, 1000, 256));
    expect(p.proposed.requests.cpu).toBe(1250);
    expect(p.proposed.limits.cpu).toBe(1250);
    expect(p.cpu.reason).toContain("limit raised to the request (was 1)");
  });

  it("no CPU limit: none is added", () => {
    const p = proposeContainer(usage({ cpuCores: 0.03, memoryPeakBytes: 100 * MiB }), res(100, 128, undefined, 256));
    expect(p.proposed.limits.cpu).toBeUndefined();
    expect(p.proposed.requests.cpu).toBe(30);
  });

  it("less than 24 h of history keeps everything, with the reason; the threshold is configurable", () => {
    const short = usage({ cpuCores: 0.1, memoryPeakBytes: 100 * MiB, first: NOW - 7200 });
    const cur = res(200, 512, 1000, 1024);
    const p = proposeContainer(short, cur);
    expect(p.proposed).toBe(cur);
    expect(p.cpu).toEqual({ action: "keep", reason: "only 2h of history, less than the 24h required" });
    expect(proposeContainer(short, cur, { ...DEFAULT_STRATEGY, minHistorySeconds: 3600 }).cpu.action).toBe("set");
  });

  it("no data, or NaN, keeps the value that has no data", () => {
    const cur = res(200, 512, 1000, 1024);
    expect(proposeContainer(undefined, cur).memory).toEqual({ action: "keep", reason: "no data in the window" });
    expect(proposeContainer(usage({ samples: 0 }), cur).cpu.reason).toBe("no data in the window");
    const nan = proposeContainer(usage({ cpuCores: 0.1, memoryPeakBytes: NaN }), cur);
    expect(nan.memory).toEqual({ action: "keep", reason: "Prometheus returned NaN for the memory peak" });
    expect(nan.proposed).toEqual(res(100, 512, 1000, 1024));
    expect(proposeContainer(usage({ memoryPeakBytes: 100 * MiB }), cur).cpu).toEqual({ action: "keep", reason: "no CPU data in the window" });
  });
});

describe("parseDuration", () => {
  it("reads Prometheus-style durations and rejects the rest", () => {
    expect(["7d", "36h", "90m", "3600s", "2w"].map(parseDuration)).toEqual([604800, 129600, 5400, 3600, 1209600]);
    expect(["7", "1.5d", "0d", "-1h", "7days"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
