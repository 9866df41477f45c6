import { describe, expect, it } from "vitest";
import { cpuBoundWorkers, gunicornSettings, workerCount, memoryBoundWorkers, renderGunicornConf, terminationGracePeriod } from "../../../components/web/tuning";
import { bytes, millicores, MiB, seconds } from "../../../model/units";
import { baseValues, set, valid } from "../../helpers/stack";

describe("gunicorn workers", () => {
  it("the default web (500m / 512Mi, about 200 MB a worker) gives 2 workers, no preload, timeout 120", () => {
    // requests 100m/256Mi, limits 500m/512Mi, about 200 MB per worker
    const s = gunicornSettings(valid().web);
    expect(s.workers).toBe(2);
    expect(s.preload_app).toBe(false);
    expect(s.timeout).toBe(120);
    expect(s.worker_tmp_dir).toBe("/dev/shm");
    expect(s.max_requests).toBe(1000);
    expect(s.max_requests_jitter).toBe(100);
  });

  it("takes 2C+1 in whole millicores", () => {
    expect(cpuBoundWorkers(millicores(500))).toBe(2);
    expect(cpuBoundWorkers(millicores(750))).toBe(2);
    expect(cpuBoundWorkers(millicores(1000))).toBe(3);
    expect(cpuBoundWorkers(millicores(2000))).toBe(5);
    expect(cpuBoundWorkers(millicores(100))).toBe(1);
  });

  it("takes what fits after the master", () => {
    expect(memoryBoundWorkers(bytes(512 * MiB), bytes(64 * MiB), bytes(200 * MiB))).toBe(2);
    expect(memoryBoundWorkers(bytes(1024 * MiB), bytes(64 * MiB), bytes(200 * MiB))).toBe(4);
    expect(memoryBoundWorkers(bytes(264 * MiB), bytes(64 * MiB), bytes(200 * MiB))).toBe(1);
    expect(memoryBoundWorkers(bytes(263 * MiB), bytes(64 * MiB), bytes(200 * MiB))).toBe(0);
  });

  it("is bounded by memory when workers are fat, below gunicorn's 2 x cores + 1", () => {
    const w = valid(set(set(baseValues(), "web.resources.limits.cpu", "2"), "web.gunicorn.workerMemory", "250Mi")).web;
    // 2 CPU would allow 5; (512Mi - 64Mi) / 250Mi allows 1
    expect(workerCount(w)).toEqual({ value: 1, why: "min(2 x 2 + 1 = 5, (512Mi - 64Mi) / 250Mi = 1) = 1" });
  });

  it("follows a memory limit change", () => {
    // 4 workers x 10 x 2 pods = 80 connections + 3 reserved: Postgres gets 90 and 2Gi.
    const pg = set(set(baseValues(), "postgres.maxConnections", 90), "postgres.resources.limits.memory", "2Gi");
    const w = valid(set(set(pg, "web.resources.limits", { cpu: "2", memory: "1Gi" }), "web.resources.requests.memory", "512Mi")).web;
    expect(workerCount(w).value).toBe(4);
  });

  it("honours a worker override that fits", () => {
    expect(gunicornSettings(valid(set(baseValues(), "web.gunicorn.workers", 1)).web).workers).toBe(1);
  });

  it("uses gthread when threads > 1", () => {
    expect(gunicornSettings(valid(set(baseValues(), "web.gunicorn.threads", 4)).web).worker_class).toBe("gthread");
  });

  it("gives the kubelet longer than the graceful timeout", () => {
    expect(terminationGracePeriod({ gracefulTimeout: seconds(30) })).toBe(45);
  });

  it("renders one Python assignment per setting", () => {
    const conf = renderGunicornConf(gunicornSettings(valid().web), "why");
    expect(conf).toContain("workers = 2\n");
    expect(conf).toContain('bind = "0.0.0.0:8000"\n');
    expect(conf).toContain("preload_app = False\n");
    expect(conf).toContain('worker_tmp_dir = "/dev/shm"\n');
    expect(conf).toContain('wsgi_app = "app:app"\n');
    expect(conf.split("\n").filter((l) => / = /.test(l) && !l.startsWith("#"))).toHaveLength(14);
  });
});
