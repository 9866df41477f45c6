import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runTool, stackDir } from "../helpers/run";

const devYaml = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");


interface PlanWorkload {
  name: string;
  kind: string;
  tuning: Record<string, unknown>;
}

describe("plan shows the data layer's tuning", () => {
  it("dev --json: 003's machine, tuning spelled as each program spells it", () => {
    const r = runTool("plan", ["dev", "--json"]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    const w = (name: string): PlanWorkload => p.workloads.find((x: PlanWorkload) => x.name === name);
    expect(w("postgres").kind).toBe("StatefulSet");
    expect(w("postgres").tuning).toMatchObject({ shared_buffers: "512MB", effective_cache_size: "1536MB", work_mem: "2592kB", max_connections: 70, jit: "off" });
    expect(w("redis-broker").tuning).toEqual({
      maxmemory: 321912832,
      "maxmemory-policy": "noeviction",
      appendonly: "yes",
      appendfsync: "everysec",
      save: "",
      "tcp-keepalive": 300,
    });
    expect(w("meilisearch").tuning).toMatchObject({ MEILI_MAX_INDEXING_MEMORY: 536870912, MEILI_MAX_INDEXING_THREADS: 1, MEILI_ENV: "development" });
    expect(p.packing.fits).toBe(true);
  });

  const bad: [string, (y: string) => string, string][] = [
    [
      "a broker with allkeys-lru",
      (y) => y.replace("      password: dev-only-redis-broker-password", "      password: dev-only-redis-broker-password\n      settings:\n        maxmemory-policy: allkeys-lru"),
      "redis.broker.settings.maxmemory-policy: role broker needs noeviction: with allkeys-lru Redis evicts Celery's queued tasks and results when memory fills, so tasks would be silently dropped",
    ],
    [
      "shared_buffers above the limit",
      (y) => y.replace("    password: dev-only-postgres-password", "    password: dev-only-postgres-password\n    settings:\n      shared_buffers: 3GB"),
      'postgres.settings.shared_buffers: 3GB is more than limits.memory 2Gi (got "3GB")',
    ],
  ];
  for (const [what, edit, message] of bad) {
    it(`exits 2 naming the key for ${what}`, () => {
      const edited = edit(devYaml);
      expect(edited).not.toBe(devYaml);
      const r = runTool("plan", ["bad"], stackDir("bad", edited));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    });
  }

  it("render writes the real postgresql.conf and redis.conf, and no secret value", () => {
    const out = mkdtempSync(join(tmpdir(), "rightsize-render-data-"));
    expect(runTool("render", ["dev", "--out", out]).code).toBe(0);
    const pg = readFileSync(join(out, "configmap-postgres-config.yaml"), "utf8");
    expect(pg).toContain("shared_buffers = 512MB");
    const redis = readFileSync(join(out, "configmap-redis-broker-config.yaml"), "utf8");
    expect(redis).toContain("maxmemory-policy noeviction");
    const secret = readFileSync(join(out, "secret-postgres-credentials.yaml"), "utf8");
    expect(secret).toContain("password: placeholder-postgres-credentials-password");
    for (const f of ["configmap-postgres-config.yaml", "configmap-redis-broker-config.yaml", "secret-postgres-credentials.yaml", "statefulset-postgres.yaml"]) {
      expect(readFileSync(join(out, f), "utf8")).not.toContain("dev-only-");
    }
  });
});
