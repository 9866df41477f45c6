import { describe, expect, it } from "vitest";
import { webSchema } from "../../../config/schema/web";
import { boundsAt, parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;

describe("web schema", () => {
  it("fills every default", () => {
    expect(webSchema.parse({})).toEqual({
      replicas: 2,
      port: 8000,
      resources: { requests: { cpu: 100, memory: 256 * Mi }, limits: { cpu: 500, memory: 512 * Mi } },
      app: "app:app",
      gunicorn: { workerMemory: 200 * Mi, masterMemory: 64 * Mi, threads: 1, timeout: 120, gracefulTimeout: 30, keepalive: 5, maxRequests: 1000, maxRequestsJitter: 100, preloadApp: false },
      probes: { readinessPath: "/api/health", livenessPath: "/livez", startupTimeout: 120 },
      database: { poolSize: 5, maxOverflow: 5 },
      env: {},
    });
  });

  it("keeps the defaults beside an edited key", () => {
    const w = parsedAt("web.gunicorn.workers", 3).web;
    expect(w.gunicorn).toMatchObject({ workers: 3, workerMemory: 200 * Mi, timeout: 120 });
  });

  it("takes a port from 1024 to 65535, so the server needs no root", () => {
    expect(boundsAt("web.port", 1024, 65535)).toEqual([[], [], ["web.port: must be at least 1024 (got 1023)"], ["web.port: must be at most 65535 (got 65536)"]]);
  });

  it("wants module:callable, a factory call allowed", () => {
    for (const app of ["app:app", "my.pkg:create_app", "app:create_app()", "wsgi:make_app('prod')"]) expect(problemsAt("web.app", app)).toEqual([]);
    expect(problemsAt("web.app", "app")).toEqual(['web.app: must be module:callable, e.g. app:app (got "app")']);
    expect(problemsAt("web.app", "1app:app")).toEqual(['web.app: must be module:callable, e.g. app:app (got "1app:app")']);
  });

  it("bounds the worker and thread counts at 1..64", () => {
    expect(problemsAt("web.gunicorn.workers", 1)).toEqual([]);
    expect(problemsAt("web.gunicorn.workers", 64)).toEqual([]);
    expect(problemsAt("web.gunicorn.workers", 0)).toEqual(["web.gunicorn.workers: must be at least 1 (got 0)"]);
    expect(problemsAt("web.gunicorn.workers", 65)).toEqual(["web.gunicorn.workers: must be at most 64 (got 65)"]);
    expect(problemsAt("web.gunicorn.threads", 65)).toEqual(["web.gunicorn.threads: must be at most 64 (got 65)"]);
  });

  it("wants a worker's memory above zero, since the worker count is the memory divided by it", () => {
    expect(problemsAt("web.gunicorn.workerMemory", "1")).toEqual([]);
    expect(problemsAt("web.gunicorn.workerMemory", "0")).toEqual(["web.gunicorn.workerMemory: must be more than 0: it divides the memory limit into gunicorn workers (got 0)"]);
    // The master is paid once, so none is a valid (if optimistic) size.
    expect(problemsAt("web.gunicorn.masterMemory", "0")).toEqual([]);
  });

  it("keeps the jitter at most max_requests: equal passes, one more fails", () => {
    expect(problemsAt("web.gunicorn.maxRequestsJitter", 1000)).toEqual([]);
    expect(problemsAt("web.gunicorn.maxRequestsJitter", 1001)).toEqual(["web.gunicorn.maxRequestsJitter: must not exceed gunicorn.maxRequests 1000 (got 1001)"]);
    expect(problemsAt("web.gunicorn", { maxRequests: 0, maxRequestsJitter: 0 })).toEqual([]);
    expect(problemsAt("web.gunicorn.maxRequests", 0)).toEqual(["web.gunicorn.maxRequestsJitter: must not exceed gunicorn.maxRequests 0 (got 100)"]);
  });

  it("keeps the graceful timeout at most the worker timeout", () => {
    expect(problemsAt("web.gunicorn.gracefulTimeout", 120)).toEqual([]);
    expect(problemsAt("web.gunicorn.gracefulTimeout", 121)).toEqual(["web.gunicorn.gracefulTimeout: must not exceed gunicorn.timeout 120 (got 121)"]);
    expect(problemsAt("web.gunicorn", { timeout: 3600, gracefulTimeout: 3600 })).toEqual([]);
    expect(problemsAt("web.gunicorn.timeout", 3601)).toEqual(["web.gunicorn.timeout: must be at most 3600 (got 3601)"]);
  });

  it("bounds the probes and the pool", () => {
    expect(problemsAt("web.probes.startupTimeout", 10)).toEqual([]);
    expect(problemsAt("web.probes.startupTimeout", 9)).toEqual(["web.probes.startupTimeout: must be at least 10 (got 9)"]);
    expect(problemsAt("web.database.poolSize", 0)).toEqual([]);
    expect(problemsAt("web.database.poolSize", 1001)).toEqual(["web.database.poolSize: must be at most 1000 (got 1001)"]);
    expect(problemsAt("web.database.maxOverflow", -1)).toEqual(["web.database.maxOverflow: must be at least 0 (got -1)"]);
  });

  it("takes an autoscaler whose max is at least its min", () => {
    expect(parsedAt("web.autoscaling", { maxReplicas: 4 }).web.autoscaling).toEqual({ maxReplicas: 4, targetCPUUtilization: 70 });
    expect(problemsAt("web.autoscaling", {})).toEqual(["web.autoscaling.maxReplicas: is required"]);
    expect(problemsAt("web.autoscaling", { minReplicas: 3, maxReplicas: 3 })).toEqual([]);
    expect(problemsAt("web.autoscaling", { minReplicas: 3, maxReplicas: 2 })).toEqual(["web.autoscaling.maxReplicas: must be at least minReplicas 3 (got 2)"]);
    expect(problemsAt("web.autoscaling", { minReplicas: 0, maxReplicas: 3 })).toEqual(["web.autoscaling.minReplicas: must be at least 1 (got 0)"]);
    expect(problemsAt("web.autoscaling", { maxReplicas: 3, targetCPUUtilization: 9 })).toEqual(["web.autoscaling.targetCPUUtilization: must be at least 10 (got 9)"]);
    expect(problemsAt("web.autoscaling", { maxReplicas: 3, targetCPUUtilization: 101 })).toEqual(["web.autoscaling.targetCPUUtilization: must be at most 100 (got 101)"]);
  });

  it("takes the replicas as the autoscaler's min when it has none, and at least 1", () => {
    const base = { maxReplicas: 3 };
    expect(problemsAt("web", { replicas: 3, autoscaling: base })).toEqual([]);
    expect(problemsAt("web", { replicas: 4, autoscaling: base })).toEqual(["web.autoscaling.maxReplicas: must be at least minReplicas 4 (got 3)"]);
    expect(problemsAt("web", { replicas: 0, autoscaling: { maxReplicas: 1 } })).toEqual([]);
  });

  it("names an unknown gunicorn key with the keys it knows", () => {
    expect(problemsAt("web.gunicorn.preload", true)).toEqual([
      "web.gunicorn.preload: unknown key (known keys: workerMemory, masterMemory, workers, threads, timeout, gracefulTimeout, keepalive, maxRequests, maxRequestsJitter, preloadApp)",
    ]);
    expect(problemsAt("web.gunicorn.worker", 2)).toEqual(["web.gunicorn.worker: unknown key (did you mean workers?)"]);
  });
});
