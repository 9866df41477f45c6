import { describe, expect, it } from "vitest";
import {
  appConnectionDemand,
  connectionsAtPooledWorkMem,
  pgbouncerSettings,
  poolerPlan,
  renderPgbouncerIni,
  servedPostgres,
  stackPooler,
  userlistLine,
} from "../../../components/pgbouncer/tuning";
import { postgresTuning } from "../../../components/postgres/tuning";
import { committedMemory } from "../../../model/postgres-memory";
import { bytes, MiB } from "../../../model/units";
import { baseValues, problems, set, valid } from "../../helpers/stack";

const demand = (n: number) => [{ key: "web", connections: n, explain: `web: ${n}` }];
const pg = (memory: string, pooler: Record<string, unknown> = {}) => valid(set(set(baseValues(), "postgres.resources.limits.memory", memory), "postgres.pooler", pooler)).postgres;

describe("connections at the pooled work_mem", () => {
  it("solves the committed-memory rule: one more connection would not fit, this many do", () => {
    for (const memory of ["1536Mi", "2Gi", "4Gi"]) {
      const p = pg(memory);
      const n = connectionsAtPooledWorkMem(p).value;
      const t = { ...postgresTuning(p), workMem: bytes(4 * MiB) };
      expect(committedMemory({ ...t, maxConnections: n })).toBeLessThanOrEqual(t.memoryLimit);
      expect(committedMemory({ ...t, maxConnections: n + 1 })).toBeGreaterThan(t.memoryLimit);
    }
    // 4Gi: 1GB shared_buffers + 128MB shm + 3 x 256MB autovacuum, (n + 8) x (3MB + 4 x 4MB) <= 4096MB.
    expect(connectionsAtPooledWorkMem(pg("4Gi")).value).toBe(106);
    expect(connectionsAtPooledWorkMem(pg("2Gi")).value).toBe(45);
  });
});

describe("poolerPlan", () => {
  it("auto: off while the demand and the superuser reserve fit at work_mem 4MB, on one connection later", () => {
    const p = pg("2Gi");
    expect(poolerPlan(p, demand(42)).enabled).toBe(false);
    expect(poolerPlan(p, demand(43)).enabled).toBe(true);
    expect(poolerPlan(p, demand(43)).why).toBe(
      "auto: the app's 43 connections + 3 reserved = 46 do not fit the committed-memory rule solved for max_connections in 2Gi at work_mem 4MB: 45",
    );
    expect(poolerPlan(pg("2Gi", { enabled: false }), demand(500)).enabled).toBe(false);
    expect(poolerPlan(pg("2Gi", { enabled: true }), demand(5)).enabled).toBe(true);
  });

  it("shares what fits among the pods at a rollout's peak, and Postgres admits exactly those + the superusers", () => {
    // prod: 233 clients, 4Gi, 2 pods: (106 - 3) / 3 pods at the peak = 34 a pod.
    const plan = poolerPlan(pg("4Gi", { replicas: 2 }), demand(233));
    expect(plan.maxDbConnections.value).toBe(34);
    expect(plan.reservePoolSize.value).toBe(3);
    expect(plan.defaultPoolSize.value).toBe(31);
    expect(plan.maxClientConn.value).toBe(233 + 24);
    expect(plan.postgresMaxConnections.value).toBe(3 * 34 + 3);
    expect(plan.postgresMaxConnections.why).toBe("3 PgBouncer pods x max_db_connections 34 + 3 superuser = 105");
    // With the pooler's max_connections, Postgres derives work_mem of at least 4MB.
    const served = { ...pg("4Gi"), maxConnections: plan.postgresMaxConnections.value };
    expect(postgresTuning(served).workMem).toBeGreaterThanOrEqual(4 * MiB);
  });

  it("opens no more server connections than the app has clients", () => {
    const plan = poolerPlan(pg("4Gi", { enabled: true }), demand(20));
    expect(plan.maxDbConnections.value).toBe(20);
    expect(plan.defaultPoolSize.value + plan.reservePoolSize.value).toBe(20);
    expect(plan.postgresMaxConnections.value).toBe(2 * 20 + 3);
  });

  it("takes max_client_conn and the pool size from config when set", () => {
    const plan = poolerPlan(pg("4Gi", { maxClientConn: 500, poolSize: 20 }), demand(233));
    expect(plan.maxClientConn).toEqual({ value: 500, why: "500 (set in config)" });
    expect(plan.defaultPoolSize.value).toBe(20);
    expect(plan.reservePoolSize.value).toBe(2);
    expect(plan.postgresMaxConnections.value).toBe(2 * 22 + 3);
  });

  it("counts the clients with headroom: 10%, at least 10", () => {
    expect(poolerPlan(pg("1536Mi"), demand(40)).maxClientConn.value).toBe(50);
    expect(poolerPlan(pg("1536Mi"), demand(233)).maxClientConn.value).toBe(257);
  });
});

describe("the stack's pooler", () => {
  it("adds up the same demand as Postgres' connection check: web at its HPA max + surge", () => {
    const c = valid(set(baseValues(), "web.autoscaling", { maxReplicas: 4 }));
    expect(appConnectionDemand(c).map((d) => d.connections)).toEqual([(4 + 1) * 2 * 10]);
    const plan = stackPooler(c);
    expect(plan.enabled).toBe(true);
    expect(servedPostgres(c, plan).maxConnections).toBe(plan.postgresMaxConnections.value);
    const off = valid(set(baseValues(), "postgres.pooler.enabled", false));
    expect(servedPostgres(off).maxConnections).toBe(80);
  });

  it("checks the demand against max_client_conn, naming the key", () => {
    expect(problems(set(baseValues(), "postgres.pooler.maxClientConn", 30))).toEqual([
      "postgres.pooler.maxClientConn: the app can open 40 connections (web: (1 pods + 1 surge) x 2 gunicorn workers x (5 pool + 5 overflow) = 40): " +
        "more than PgBouncer's max_client_conn (raise it, or leave it unset to derive it from the demand) (got 30)",
    ]);
  });

  it("says to enable the pooler when it is off and the demand does not fit", () => {
    const lines = problems(set(set(baseValues(), "postgres.pooler.enabled", false), "web.autoscaling", { maxReplicas: 5 }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^postgres\.maxConnections: .*or put PgBouncer in front: set postgres\.pooler\.enabled to auto or true\) \(got 80\)$/);
  });

  it("rejects a memory limit that holds no pool, naming the limit", () => {
    const lines = problems(set(set(baseValues(), "postgres.resources.limits.memory", "640Mi"), "postgres.resources.requests", { cpu: "1" }));
    expect(lines).toContain(
      'postgres.resources.limits.memory: holds 4 connections at work_mem 4MB, too few for 3 superuser + 2 PgBouncer pods x (a pool of 1 + a reserve of 1) (raise the limit, or lower postgres.pooler.replicas) (got "640Mi")',
    );
  });

  it("rejects a pool size the memory cannot hold, naming the pooler's keys", () => {
    const lines = problems(set(baseValues(), "postgres.pooler.poolSize", 200));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^postgres\.resources\.limits\.memory: .*\(443 connections .* does not fit limits\.memory 1536Mi \(raise the limit, or lower postgres\.pooler\.poolSize or postgres\.pooler\.replicas, or postgres\.shmSize\)/);
  });
});

describe("pgbouncer.ini and userlist.txt", () => {
  it("writes the derivation's numbers, transaction pooling, SCRAM and one database", () => {
    const plan = poolerPlan(pg("4Gi", { replicas: 2 }), demand(233));
    const ini = renderPgbouncerIni(plan, pgbouncerSettings(plan), { host: "postgres", port: 5432, database: "app", user: "app", listenPort: 6432, authFile: "/a/userlist.txt" });
    const lines = ini.split("\n");
    for (const l of [
      "[databases]",
      "app = host=postgres port=5432 dbname=app",
      "listen_port = 6432",
      "auth_file = /a/userlist.txt",
      "pool_mode = transaction",
      "max_client_conn = 257",
      "default_pool_size = 31",
      "reserve_pool_size = 3",
      "max_db_connections = 34",
      "server_idle_timeout = 600",
      "auth_type = scram-sha-256",
    ]) {
      expect(lines).toContain(l);
    }
  });

  it("quotes the password as PgBouncer reads it, doubling quotes", () => {
    expect(userlistLine("app", 'pa"ss')).toBe('"app" "pa""ss"\n');
  });
});
