import { describe, expect, it } from "vitest";
import {
  checkPostgres,
  committedMemory,
  parallelSettings,
  postgresSettings,
  postgresTuning,
  renderPostgresConf,
  walSizes,
} from "../../../components/postgres/tuning";
import { webConnectionDemand } from "../../../components/web/tuning";
import { bytes, GiB, MiB } from "../../../model/units";
import { baseValues, baseValues as stackBase, problems, PROD_SECRET_KEYS, set, valid } from "../../helpers/stack";

/** The baseline with postgres' limits set (requests follow: memory = limit, cpu request 1). */
function sized(memory: string, cpu: string, extra: Record<string, unknown> = {}) {
  let v = set(baseValues(), "postgres.resources.limits", { memory, cpu });
  v = set(v, "postgres.resources.requests.cpu", "500m");
  for (const [k, x] of Object.entries(extra)) v = set(v, `postgres.${k}`, x);
  return valid(v).postgres;
}

describe("pgtune's web profile from the container's limits", () => {
  it("the seed's 1.5 GiB / 2 CPU: shared_buffers 384MB, effective_cache_size 1152MB, work_mem what the busy backends leave (not 32MB)", () => {
    expect(postgresSettings(valid().postgres)).toEqual({
      max_connections: 80,
      superuser_reserved_connections: 3,
      shared_buffers: "384MB",
      effective_cache_size: "1152MB",
      maintenance_work_mem: "96MB",
      // (1536MB - 384MB - 128MB /dev/shm - 3 x 96MB - (80 + 8) x 3MB) / ((80 + 8) x 4) = 1373kB
      work_mem: "1373kB",
      // 3% of 384MB = 11796.48kB, down to whole 8kB pages
      wal_buffers: "11792kB",
      min_wal_size: "1GB",
      max_wal_size: "4GB",
      checkpoint_completion_target: 0.9,
      random_page_cost: 1.1,
      effective_io_concurrency: 200,
      jit: "off",
    });
  });

  it("adds the parallel settings from 4 cores, and W = C in work_mem", () => {
    expect(postgresSettings(sized("8Gi", "4"))).toMatchObject({
      shared_buffers: "2GB",
      effective_cache_size: "6GB",
      maintenance_work_mem: "512MB",
      // (8GiB - 2GiB - 128MB - 3 x 512MB - (80 + 4) x 3MB) / ((80 + 4) x 4) = 12885kB
      work_mem: "12885kB",
      wal_buffers: "16MB",
      max_worker_processes: 4,
      max_parallel_workers_per_gather: 2,
      max_parallel_workers: 4,
      max_parallel_maintenance_workers: 2,
    });
  });

  it("caps maintenance_work_mem at 2GB and per-gather workers at 4", () => {
    const s = postgresSettings(sized("64Gi", "16"));
    expect(s).toMatchObject({
      shared_buffers: "16GB",
      effective_cache_size: "48GB",
      maintenance_work_mem: "2GB",
      // (64GiB - 16GiB - 128MB - 3 x 2GB - (80 + 16) x 3MB) / ((80 + 16) x 4) = 113578kB
      work_mem: "113578kB",
      max_worker_processes: 16,
      max_parallel_workers_per_gather: 4,
      max_parallel_workers: 16,
      max_parallel_maintenance_workers: 4,
    });
  });

  it("uses whole cores of the CPU limit: 3900m is 3, so no parallel settings", () => {
    const s = postgresSettings(sized("4Gi", "3900m"));
    expect(s.max_worker_processes).toBeUndefined();
    expect(postgresTuning(sized("4Gi", "3900m")).workerProcesses).toBe(8);
    expect(parallelSettings(3, {})).toEqual({});
  });

  it("follows a memory limit change", () => {
    const s = postgresSettings(sized("2Gi", "2"));
    // work_mem: (2048MB - 512MB - 128MB - 3 x 128MB - 88 x 3MB) / (88 x 4) = 2210kB
    expect([s.shared_buffers, s.effective_cache_size, s.maintenance_work_mem, s.work_mem]).toEqual(["512MB", "1536MB", "128MB", "2210kB"]);
  });

  it("uses HDD costs when the storage is not SSD", () => {
    const s = postgresSettings(valid(set(baseValues(), "postgres.storage.type", "hdd")).postgres);
    expect([s.random_page_cost, s.effective_io_concurrency]).toEqual([4, 2]);
  });

  it("bounds the WAL by the volume: at most a quarter of it", () => {
    expect(walSizes(bytes(20 * GiB))).toEqual({ min: 1 * GiB, max: 4 * GiB });
    expect(walSizes(bytes(2 * GiB))).toEqual({ min: 128 * MiB, max: 512 * MiB });
    const s = postgresSettings(valid(set(baseValues(), "postgres.storage.size", "1Gi")).postgres);
    expect([s.min_wal_size, s.max_wal_size]).toEqual(["64MB", "256MB"]);
  });

  it("takes overrides, and derives the rest from them", () => {
    const pg = valid(set(baseValues(), "postgres.settings", { shared_buffers: "256MB", jit: "on", random_page_cost: 1.5 })).postgres;
    const s = postgresSettings(pg);
    expect(s.shared_buffers).toBe("256MB");
    // 3% of 256MB = 7864.3kB -> 7864kB
    expect(s.wal_buffers).toBe("7864kB");
    expect([s.jit, s.random_page_cost, s.effective_cache_size]).toEqual(["on", 1.5, "1152MB"]);
  });

  it("counts /dev/shm, autovacuum and every backend busy (its own memory + 4 x work_mem) in what the server holds", () => {
    // 384 + 128 + 3 x 96 + 88 x (3MB + 4 x 1373kB): the derivation fills the limit to within a KiB per backend
    expect(committedMemory(postgresTuning(valid().postgres))).toBe((384 + 128 + 288 + 88 * 3) * MiB + 88 * 4 * 1373 * 1024);
    expect(committedMemory(postgresTuning(valid().postgres))).toBeLessThanOrEqual(1536 * MiB);
  });

  it("counts postgres.backendMemory: a bigger per-backend cost leaves less work_mem", () => {
    const s = postgresSettings(valid(set(baseValues(), "postgres.backendMemory", "4Mi")).postgres);
    // (1536 - 800 - 88 x 4MB) / (88 x 4) = 1117kB
    expect(s.work_mem).toBe("1117kB");
  });

  it("renders postgresql.conf with one setting a line, memory in Postgres' units", () => {
    const conf = renderPostgresConf(valid().postgres);
    for (const line of ["shared_buffers = 384MB", "effective_cache_size = 1152MB", "work_mem = 1373kB", "jit = off", "listen_addresses = '*'", "max_connections = 80"]) {
      expect(conf.split("\n")).toContain(line);
    }
    expect(conf.split("\n").filter((l) => l !== "" && !l.startsWith("#")).every((l) => /^[a-z_]+ = \S+$/.test(l))).toBe(true);
  });
});

describe("postgres config checks", () => {
  // These are the rules for a server the app reaches directly; the baseline's demand turns the pooler on.
  const baseValues = () => set(stackBase(), "postgres.pooler.enabled", false);
  const cases: [string, string, unknown, string[]][] = [
    ["shared_buffers above the limit", "postgres.settings.shared_buffers", "2GB", [
      'postgres.settings.shared_buffers: 2GB is more than limits.memory 1536Mi (got "2GB")',
    ]],
    ["the seed's work_mem 32MB", "postgres.settings.work_mem", "32MB", [
      "postgres.settings.work_mem: shared_buffers 384MB + /dev/shm 128MB + 3 autovacuum workers x maintenance_work_mem 96MB + " +
        '(80 connections + 8 worker processes) x (backend 3MB + 4 x work_mem 32MB) = 12328MB does not fit limits.memory 1536Mi (got "32MB")',
    ]],
    ["too many connections for the memory", "postgres.maxConnections", 200, [
      "postgres.resources.limits.memory: shared_buffers 384MB + /dev/shm 128MB + 3 autovacuum workers x maintenance_work_mem 96MB + " +
        "(200 connections + 8 worker processes) x (backend 3MB + 4 x work_mem 1MB) = 2256MB does not fit limits.memory 1536Mi " +
        '(raise the limit, or lower postgres.maxConnections and the app\'s pool sizes, or postgres.shmSize, or put PgBouncer in front: set postgres.pooler.enabled to auto or true) (got "1536Mi")',
    ]],
    ["a WAL that takes most of the volume", "postgres.settings.max_wal_size", "16GB", [
      'postgres.settings.max_wal_size: leaves less than half of storage.size 20Gi for data (at most 10GB) (got "16GB")',
    ]],
    ["a volume too small for two WAL segments", "postgres.storage.size", "100Mi", [
      'postgres.storage.size: gives min_wal_size 6MB, below the two 16MB WAL segments Postgres requires (got "100Mi")',
    ]],
    ["a memory size in Kubernetes units", "postgres.settings.shared_buffers", "384Mi", [
      'postgres.settings.shared_buffers: must be a Postgres memory size such as 384MB or 4GB (a whole number and B, kB, MB, GB or TB, each 1024 times the last) (got "384Mi")',
    ]],
    ["a short password", "postgres.password", "short", ['postgres.password: must be at least 16 characters (got "[secret of 5 characters]")']],
    ["a missing password", "postgres.password", undefined, ["postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`"]],
  ];
  for (const [what, path, value, expected] of cases) {
    it(`rejects ${what} naming ${expected[0]!.split(":")[0]}`, () => {
      expect(problems(set(baseValues(), path, value))).toEqual(expected);
    });
  }

  it("rejects min_wal_size above max_wal_size", () => {
    const v = set(set(baseValues(), "postgres.storage.size", "4Gi"), "postgres.settings.min_wal_size", "2GB");
    expect(problems(v)).toEqual(['postgres.settings.min_wal_size: is more than max_wal_size 1GB (got "2GB")']);
  });

  it("rejects a max_connections the web service's pools do not fit in", () => {
    expect(problems(set(baseValues(), "web.autoscaling", { maxReplicas: 5 }))).toEqual([
      "postgres.maxConnections: the app can open 120 connections (web: (5 pods + 1 surge) x 2 gunicorn workers x (5 pool + 5 overflow) = 120) " +
        "and 3 are reserved for superusers: 123 is more than max_connections (raise postgres.maxConnections, or lower the pool sizes, or put PgBouncer in front: set postgres.pooler.enabled to auto or true) (got 80)",
    ]);
  });

  it("counts web at its HPA maximum plus the surge pod, and any other contributor", () => {
    const c = valid(set(set(baseValues(), "web.autoscaling", { maxReplicas: 4 }), "web.database", { poolSize: 3, maxOverflow: 2 }));
    const web = webConnectionDemand(c.web);
    expect(web).toEqual({ key: "web", connections: 50, explain: "web: (4 pods + 1 surge) x 2 gunicorn workers x (3 pool + 2 overflow) = 50" });
    expect(checkPostgres(c.postgres, [web])).toEqual([]);
    const celery = { key: "celery.workers.default", connections: 48, explain: "celery.workers.default: 48" };
    expect(checkPostgres(c.postgres, [web, celery]).map((i) => i.path)).toEqual(["postgres.maxConnections"]);
  });

  it("requires the password encrypted in prod, naming the command", () => {
    expect(problems(baseValues(), "prod", ["redis", "meilisearch"])).toEqual([
      "postgres.password: must be stored encrypted in prod: set it with `pulumi config set --secret --path postgres.password ...`",
    ]);
    expect(problems(baseValues(), "prod", PROD_SECRET_KEYS)).toEqual([]);
  });

  it("never echoes a password", () => {
    const lines = problems(set(baseValues(), "postgres.password", "hunter2"));
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});
