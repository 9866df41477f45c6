// The seeds' flaws as real kills (DESIGN "Known flaws in the source numbers"), each beside rightsize's
// derivation for the same limit under the same load. The seed values are rejected by rightsize's config
// checks, so each is run by editing the rendered config after rendering: the checks are bypassed on purpose.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { browserLoad, heapShmLoad } from "../../tools/limits/browser";
import { celeryLoad } from "../../tools/limits/celery";
import { createHarness, type Harness } from "../../tools/limits/harness";
import { postgresLoad } from "../../tools/limits/postgres";
import { redisLoad } from "../../tools/limits/redis";
import { survived, type WorkloadReport } from "../../tools/limits/workload";
import { renderEdited, requireLimitsHost, workload } from "./support";

const MiB = 1024 * 1024;
let h: Harness | undefined;
const harness = () => (h = createHarness());
beforeAll(requireLimitsHost);
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The seed died (an OOM kill, or a lost task/crash the kill caused) and rightsize's derivation did not. */
function expectKillAndSurvival(seed: WorkloadReport, ours: WorkloadReport) {
  // The figures for the log (the README's table comes from these lines).
  for (const [who, r] of [["seed", seed], ["rightsize", ours]] as const) {
    console.log(`${who} ${r.name}: ${r.oomKills} OOM kills, ${r.healthy ? "healthy" : `unhealthy (${r.problems.join("; ")})`}, ${r.seconds} s; ${JSON.stringify(r.settings)}; ${JSON.stringify(r.measured)}`);
  }
  expect(seed.oomKills > 0 || !seed.healthy, `the seed survived: ${JSON.stringify(seed)}`).toBe(true);
  expect(seed.oomKills, `the seed lost work without an OOM kill: ${seed.problems.join("; ")}`).toBeGreaterThan(0);
  expect({ oomKills: ours.oomKills, problems: ours.problems }).toEqual({ oomKills: 0, problems: [] });
  expect(survived(ours)).toBe(true);
}

describe("the seeds' flaws, killed in a real memory cgroup", () => {
  it("Celery: 6 x worker_max_memory_per_child 400000 KiB in 2Gi is killed by tasks that keep 40 MiB a call; rightsize's cap recycles children and loses no task", async () => {
    const ws = renderEdited("dev", (v) => {
      const pool = v.celery.workers.default;
      pool.resources.limits.memory = "2Gi";
      pool.concurrency = 6;
    });
    const w = workload(ws, "celery-worker-default");
    const files = w.files("celery-config");
    const module = files["rightsize_celeryconfig.py"]!;
    const ours = await celeryLoad(harness(), w, { step: 40 * MiB, tasks: 150 });
    // Bypassing the config check (rightsize-enforce-celery-memory-fit and the schema reject 400000 at 6 in 2Gi).
    const seedFiles = { ...files, "rightsize_celeryconfig.py": module.replace(/"worker_max_memory_per_child": \d+/, '"worker_max_memory_per_child": 400000') };
    const seed = await celeryLoad(harness(), w, { files: seedFiles, step: 40 * MiB, tasks: 150 });
    expect(Number(/"worker_max_memory_per_child": (\d+)/.exec(module)![1])).toBeLessThan(400000);
    expectKillAndSurvival(seed, ours);
  });

  it("Redis: maxmemory 384mb with AOF in 512Mi is killed by random overwrites while the AOF is rewritten; rightsize's 0.4 survives", async () => {
    // Random overwrites with the AOF: the shared role's pattern (a cache with persistence derives the same).
    const ws = renderEdited("dev", (v) => {
      v.redis.broker.role = "shared";
    });
    const w = workload(ws, "redis-broker");
    const conf = w.file("redis-broker-config", "redis.conf");
    expect(conf).toMatch(/^maxmemory 204mb$/m);
    const ours = await redisLoad(harness(), w);
    // The seed's numbers, bypassing the maxmemory check: 384mb, allkeys-lru, AOF.
    const seedConf = conf.replace(/^maxmemory .*$/m, "maxmemory 384mb").replace(/^maxmemory-policy .*$/m, "maxmemory-policy allkeys-lru");
    const seed = await redisLoad(harness(), w, { conf: seedConf });
    expectKillAndSurvival(seed, ours);
  });

  it("Postgres: work_mem 32MB at 100 busy connections in 1.5Gi is killed; rightsize's derivation for 1.5Gi survives every connection it admits", async () => {
    const ws = renderEdited("dev", (v) => {
      v.postgres.resources.limits.memory = "1536Mi";
      v.postgres.maxConnections = 80;
      // The app straight at Postgres, as 003 ran it: the derivation without PgBouncer (auto would turn it on here).
      v.postgres.pooler = { enabled: false };
    });
    const w = workload(ws, "postgres");
    const conf = w.file("postgres-config", "postgresql.conf");
    const ours = await postgresLoad(harness(), w);
    // The seed's work_mem at 100 connections, bypassing the committed-memory check.
    const seedConf = conf.replace(/^work_mem = .*$/m, "work_mem = 32MB").replace(/^max_connections = .*$/m, "max_connections = 103");
    const seed = await postgresLoad(harness(), w, { conf: seedConf, clients: 100 });
    expectKillAndSurvival(seed, ours);
  });

  it("Playwright: a 2Gi Node heap beside a 2Gi memory-backed /dev/shm in 3Gi is killed; rightsize's heap, disk-backed shm and every session it derives survive the full browser load", async () => {
    const ws = renderEdited("dev", (v) => {
      v.playwright.resources.limits.memory = "3Gi";
    });
    const w = workload(ws, "playwright");
    // floor((3072Mi - heap 614Mi - browser 256Mi) / 512Mi) = 4 sessions, each its own Chromium at the heavy page.
    expect(w.tuning).toMatchObject({ NODE_OPTIONS: "--max-old-space-size=614", CONCURRENT: 4, shm_bytes: 0 });
    const ours = await browserLoad(harness(), w);
    expect(ours.measured.pages_answered).toBe(4);
    // The seed's numbers, bypassing the config check that counts a memory-backed /dev/shm inside the limit.
    const seed = await heapShmLoad(harness(), w, { heapMiB: 2048, shmBytes: 2048 * MiB });
    expectKillAndSurvival(seed, ours);
  });

  it("Playwright with a memory-backed /dev/shm: rightsize counts it in the limit, and the heap, the filled shm and the sessions left survive together", async () => {
    const ws = renderEdited("dev", (v) => {
      v.playwright.resources.limits.memory = "3Gi";
      v.playwright.shm = { mode: "memory", size: "256Mi" };
    });
    const w = workload(ws, "playwright");
    // floor((3072Mi - 614Mi - 256Mi - shm 256Mi) / 512Mi) = 3; Chromium runs without --disable-dev-shm-usage.
    expect(w.tuning).toMatchObject({ CONCURRENT: 3, shm_bytes: 256 * MiB });
    expect(w.tuning.args).not.toContain("--disable-dev-shm-usage");
    const r = await browserLoad(harness(), w);
    console.log(`rightsize ${r.name} with shm: ${r.oomKills} OOM kills, ${r.healthy ? "healthy" : r.problems.join("; ")}, ${r.seconds} s; ${JSON.stringify(r.measured)}`);
    expect({ oomKills: r.oomKills, problems: r.problems, pages: r.measured.pages_answered }).toEqual({ oomKills: 0, problems: [], pages: 3 });
    // The 256 MiB written to /dev/shm are charged to the group beside the heap.
    expect(Number(r.measured.heap_and_shm_mib)).toBeGreaterThan(256 + 614 * 0.8);
  });
});
