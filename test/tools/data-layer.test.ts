// The data layer's tuning through plan's and render's library.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackConfigInvalid } from "../../tools/harness/errors";
import { writeManifests } from "../../tools/harness/manifests";
import { objectsOf, usePlanner } from "../helpers/plan";
import { shippedStack, stackDir } from "../helpers/run";
import { DEFAULT_BROKER_TUNING } from "../helpers/stack";

const devYaml = shippedStack("dev");
const planner = usePlanner();


interface PlanWorkload {
  name: string;
  kind: string;
  tuning: Record<string, unknown>;
}

describe("plan shows the data layer's tuning", () => {
  it("dev --json: an 8-core, 16Gi node, tuning spelled as each program spells it", async () => {
    const p = JSON.parse(JSON.stringify((await planner.plan("dev")).plan));
    const w = (name: string): PlanWorkload => p.workloads.find((x: PlanWorkload) => x.name === name);
    expect(w("postgres").kind).toBe("StatefulSet");
    expect(w("postgres").tuning).toMatchObject({ shared_buffers: "512MB", effective_cache_size: "1536MB", work_mem: "4178kB", max_connections: 45, jit: "off" });
    // The app's 64 connections do not fit 2Gi at work_mem 4MB, so PgBouncer takes them: 2 pods at a
    // rollout's peak x 21 server connections + 3 superuser = max_connections 45.
    expect(w("pgbouncer").kind).toBe("Deployment");
    expect(w("pgbouncer").tuning).toMatchObject({ pool_mode: "transaction", max_client_conn: 74, default_pool_size: 19, reserve_pool_size: 2, max_db_connections: 21 });
    // dev's broker has the default 512Mi memory limit and AOF, so the default broker's settings.
    expect(w("redis-broker").tuning).toEqual(DEFAULT_BROKER_TUNING);
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
    it(`rejects ${what}, naming the key`, async () => {
      const edited = edit(devYaml);
      expect(edited).not.toBe(devYaml);
      const e = await planner.plan("bad", { dir: stackDir("bad", edited) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StackConfigInvalid);
      expect((e as Error).message).toContain(message);
    });
  }

  it("render writes the real postgresql.conf and redis.conf, and no secret value", async () => {
    const out = mkdtempSync(join(tmpdir(), "rightsize-render-data-"));
    writeManifests(await objectsOf("dev"), out);
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
