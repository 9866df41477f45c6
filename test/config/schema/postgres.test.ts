import { describe, expect, it } from "vitest";
import { postgresSchema, postgresSettingsSchema } from "../../../config/schema/postgres";
import { parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const PG_HELP = "must be a Postgres memory size such as 384MB or 4GB (a whole number and B, kB, MB, GB or TB, each 1024 times the last)";

describe("postgres schema", () => {
  it("fills 1.5Gi / 2 CPU with the memory request equal to the limit", () => {
    const pg = postgresSchema.parse({ password: "p".repeat(16) });
    expect({ ...pg, password: pg.password.reveal() }).toEqual({
      resources: { requests: { cpu: 1000, memory: 1536 * Mi }, limits: { cpu: 2000, memory: 1536 * Mi } },
      storage: { size: 20 * Gi, type: "ssd" },
      // 80 fit 1.5Gi once each backend's own memory is counted (the limits test measured it).
      maxConnections: 80,
      backendMemory: 3 * Mi,
      shmSize: 128 * Mi,
      database: "app",
      username: "app",
      password: "p".repeat(16),
      settings: {},
      // PgBouncer: auto decides from the app's demand; small, one pod, transaction pooling.
      pooler: {
        enabled: "auto",
        poolMode: "transaction",
        replicas: 1,
        resources: { requests: { cpu: 50, memory: 32 * Mi }, limits: { cpu: 500, memory: 64 * Mi } },
        serverIdleTimeout: 600,
      },
      probes: { startupTimeout: 600 },
    });
    // The request follows an edited limit: shared_buffers is sized from the limit.
    expect(parsedAt("postgres.resources.limits.memory", "4Gi").postgres.resources.requests.memory).toBe(4 * Gi);
  });

  it("asks for the password even when the whole postgres key is absent", () => {
    expect(problemsAt("postgres", undefined)).toEqual(["postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`"]);
  });

  it("takes 10 to 10000 connections", () => {
    expect(problemsAt("postgres.maxConnections", 10)).toEqual([]);
    expect(problemsAt("postgres.maxConnections", 10000)).toEqual([]);
    expect(problemsAt("postgres.maxConnections", 9)).toEqual(["postgres.maxConnections: must be at least 10 (got 9)"]);
    expect(problemsAt("postgres.maxConnections", 10001)).toEqual(["postgres.maxConnections: must be at most 10000 (got 10001)"]);
  });

  it("takes plain lower-case identifiers of at most 63 characters for the user and database", () => {
    expect(problemsAt("postgres.username", "a".repeat(63))).toEqual([]);
    expect(problemsAt("postgres.database", "_app_2")).toEqual([]);
    const msg = "must be a lower-case SQL identifier (letters, digits, _; at most 63)";
    expect(problemsAt("postgres.username", "a".repeat(64))).toEqual([`postgres.username: ${msg} (got "${"a".repeat(64)}")`]);
    expect(problemsAt("postgres.database", "App")).toEqual([`postgres.database: ${msg} (got "App")`]);
    expect(problemsAt("postgres.database", "2app")).toEqual([`postgres.database: ${msg} (got "2app")`]);
  });

  it("bounds the startup probe and knows two storage types", () => {
    expect(problemsAt("postgres.probes.startupTimeout", 30)).toEqual([]);
    expect(problemsAt("postgres.probes.startupTimeout", 29)).toEqual(["postgres.probes.startupTimeout: must be at least 30 (got 29)"]);
    expect(problemsAt("postgres.probes.startupTimeout", 86401)).toEqual(["postgres.probes.startupTimeout: must be at most 86400 (got 86401)"]);
    expect(parsedAt("postgres.storage.type", "hdd").postgres.storage).toEqual({ size: 20 * Gi, type: "hdd" });
    expect(problemsAt("postgres.storage.type", "nvme")).toEqual(['postgres.storage.type: must be one of "ssd", "hdd" (got "nvme")']);
  });
});

describe("postgres.settings", () => {
  it("reads memory in Postgres' notation, where MB is 2^20", () => {
    expect(postgresSettingsSchema.parse({ shared_buffers: "384MB", work_mem: "4 MB", maintenance_work_mem: "64kB", wal_buffers: "8192B", max_wal_size: "1GB", min_wal_size: "1TB" })).toEqual({
      shared_buffers: 384 * Mi,
      work_mem: 4 * Mi,
      maintenance_work_mem: 64 * 1024,
      wal_buffers: 8192,
      max_wal_size: Gi,
      min_wal_size: 1024 * Gi,
    });
  });

  it("wants a unit and a whole number, case-sensitive, as a person types it", () => {
    for (const v of ["384", "384mb", "1.5GB", "384MiB", ""]) expect(problemsAt("postgres.settings.shared_buffers", v)).toEqual([`postgres.settings.shared_buffers: ${PG_HELP} (got ${JSON.stringify(v)})`]);
    expect(problemsAt("postgres.settings.work_mem", 4096)).toEqual([`postgres.settings.work_mem: ${PG_HELP} (got 4096)`]);
    expect(problemsAt("postgres.settings.work_mem", true)).toEqual([`postgres.settings.work_mem: ${PG_HELP} (got true)`]);
  });

  it("takes on/off and YAML booleans for jit", () => {
    expect(postgresSettingsSchema.parse({ jit: true }).jit).toBe("on");
    expect(postgresSettingsSchema.parse({ jit: false }).jit).toBe("off");
    expect(postgresSettingsSchema.parse({ jit: "off" }).jit).toBe("off");
    expect(problemsAt("postgres.settings.jit", "yes")).toEqual(['postgres.settings.jit: must be one of "on", "off" (got "yes")']);
  });

  it("bounds each number where Postgres does", () => {
    expect(problemsAt("postgres.settings", { checkpoint_completion_target: 1, random_page_cost: 0, max_worker_processes: 262143, max_parallel_workers: 1024 })).toEqual([]);
    expect(problemsAt("postgres.settings.checkpoint_completion_target", 1.01)).toEqual(["postgres.settings.checkpoint_completion_target: must be at most 1 (got 1.01)"]);
    expect(problemsAt("postgres.settings.random_page_cost", -1)).toEqual(["postgres.settings.random_page_cost: must be at least 0 (got -1)"]);
    expect(problemsAt("postgres.settings.max_worker_processes", 262144)).toEqual(["postgres.settings.max_worker_processes: must be at most 262143 (got 262144)"]);
    expect(problemsAt("postgres.settings.max_parallel_workers_per_gather", 1025)).toEqual(["postgres.settings.max_parallel_workers_per_gather: must be at most 1024 (got 1025)"]);
    expect(problemsAt("postgres.settings.effective_io_concurrency", 1.5)).toEqual(["postgres.settings.effective_io_concurrency: must be a whole number (got 1.5)"]);
  });

  it("suggests the setting's spelling for a near miss", () => {
    expect(problemsAt("postgres.settings.sharedbuffers", "1GB")).toEqual(["postgres.settings.sharedbuffers: unknown key (did you mean shared_buffers?)"]);
  });
});

describe("postgres.pooler schema", () => {
  it("rejects what it cannot run, naming the key and the value", () => {
    expect(problemsAt("postgres.pooler.enabled", "yes")).toEqual(['postgres.pooler.enabled: must be "auto", true or false (got "yes")']);
    expect(problemsAt("postgres.pooler.poolMode", "session")).toEqual([
      'postgres.pooler.poolMode: must be "transaction" (session pooling would not serve more clients than servers) (got "session")',
    ]);
    expect(problemsAt("postgres.pooler.replicas", 0)).toEqual(["postgres.pooler.replicas: must be at least 1 (got 0)"]);
    expect(problemsAt("postgres.pooler.maxClientConn", 0)).toEqual(["postgres.pooler.maxClientConn: must be at least 1 (got 0)"]);
    expect(problemsAt("postgres.pooler.serverIdleTimeout", 5)).toEqual(["postgres.pooler.serverIdleTimeout: must be at least 10 (got 5)"]);
    expect(problemsAt("postgres.pooler.poolsize", 5)[0]).toMatch(/^postgres\.pooler\.poolsize: unknown key/);
  });

  it("accepts true, false and auto", () => {
    for (const v of [true, false, "auto"]) expect(parsedAt("postgres.pooler.enabled", v).postgres.pooler.enabled).toBe(v);
  });
});
