import { z } from "zod";
import { parsePgMemory, PG_MEMORY_HELP } from "../../model/native-units";
import type { Bytes } from "../../model/units";
import { DEFAULT_BACKEND_MEMORY } from "../../model/postgres-memory";
import { formatMemory } from "../../model/quantity";
import { MAX_REPLICAS, resources, secondsField, secretString, size, unitMemory, volumeShape } from "./common";

/** A memory setting in Postgres' own notation ("384MB"), as bytes. */
const pgMemory = () =>
  z.union([z.string(), z.number()], { error: `must be ${PG_MEMORY_HELP}` }).transform((v, ctx): Bytes => {
    const b = typeof v === "string" ? parsePgMemory(v) : undefined;
    if (b === undefined) {
      ctx.addIssue({ code: "custom", message: `must be ${PG_MEMORY_HELP}`, input: v });
      return z.NEVER;
    }
    return b;
  });

/** Postgres booleans: on/off (YAML's true/false accepted too). */
const onOff = () =>
  z
    .union([z.boolean(), z.enum(["on", "off"])], { error: 'must be "on" or "off"' })
    .transform((v): "on" | "off" => (v === true || v === "on" ? "on" : "off"));

const count = (max: number) => z.number().int().min(0).max(max).optional();

/** An identifier for POSTGRES_USER / POSTGRES_DB: plain, so no quoting is ever needed. */
const identifier = (def: string) =>
  z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a lower-case SQL identifier (letters, digits, _; at most 63)" }).default(def);

/**
 * `postgres.settings`: overrides of the derived settings, keyed as Postgres spells them. Every one is
 * checked against the container's limits (components/postgres/tuning.ts checkPostgres).
 */
export const postgresSettingsSchema = z
  .strictObject({
    shared_buffers: pgMemory().optional(),
    effective_cache_size: pgMemory().optional(),
    maintenance_work_mem: pgMemory().optional(),
    work_mem: pgMemory().optional(),
    wal_buffers: pgMemory().optional(),
    min_wal_size: pgMemory().optional(),
    max_wal_size: pgMemory().optional(),
    checkpoint_completion_target: z.number().min(0).max(1).optional(),
    random_page_cost: z.number().min(0).max(1000).optional(),
    effective_io_concurrency: count(1000),
    jit: onOff().optional(),
    max_worker_processes: count(262143),
    max_parallel_workers_per_gather: count(1024),
    max_parallel_workers: count(1024),
    max_parallel_maintenance_workers: count(1024),
  })
  .prefault({});
export type PostgresOverrides = z.output<typeof postgresSettingsSchema>;

/**
 * `postgres.pooler`: PgBouncer in transaction pooling between the app and Postgres
 * (components/pgbouncer/tuning.ts derives its numbers; README "PgBouncer").
 */
/** One of a few values, with a message that says why (zod's own names only the values). */
const oneOf = <T extends string | boolean>(values: readonly T[], message: string) =>
  z.unknown().transform((v, ctx): T => {
    if (values.includes(v as T)) return v as T;
    ctx.addIssue({ code: "custom", message, input: v });
    return z.NEVER;
  });
export const poolerSchema = z
  .strictObject({
    /**
     * auto: on when the app's connection demand + the superuser reserve does not fit what the memory
     * limit holds at work_mem 4MB; true / false force it.
     */
    enabled: oneOf(["auto", true, false] as const, 'must be "auto", true or false').default("auto"),
    /**
     * transaction only: session pooling holds a server connection for each client's whole session, so it
     * serves no more clients than Postgres admits, which is the problem the pooler is for.
     */
    poolMode: oneOf(["transaction"] as const, 'must be "transaction" (session pooling would not serve more clients than servers)').default("transaction"),
    /** PgBouncer pods; each may open its share of the server connections (the rollout's surge pod counted). */
    replicas: z.number().int().min(1).max(MAX_REPLICAS).default(1),
    // Single-threaded and small: a few kB a connection (pkt_buf 4096 + state), so 64Mi holds thousands.
    resources: resources({ requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "500m", memory: "64Mi" } }),
    /** max_client_conn per pod; default: the app's demand + 10% (at least 10). */
    maxClientConn: z.number().int().min(1).max(100000).optional(),
    /** default_pool_size per pod; default: what the memory holds at work_mem 4MB, shared by the pods. */
    poolSize: z.number().int().min(1).max(10000).optional(),
    /** server_idle_timeout: a server connection idle this long is closed (its backend's memory returned). */
    serverIdleTimeout: secondsField(10, 86400).prefault(600),
  })
  .prefault({});
export type PoolerConfig = z.output<typeof poolerSchema>;

/** `postgres`: one PostgreSQL 15 server (StatefulSet of 1); 1.5 GiB / 2 CPU by default (a small platform's size). */
export const postgresSchema = z
  .strictObject({
    // Memory request = limit (Guaranteed memory): shared_buffers is sized from the limit.
    resources: resources({ requests: { cpu: "1" }, limits: { cpu: "2", memory: "1536Mi" } }),
    storage: z
      .strictObject({
        ...volumeShape("20Gi"),
        /** ssd or hdd: decides random_page_cost and effective_io_concurrency. */
        type: z.enum(["ssd", "hdd"]).default("ssd"),
      })
      .prefault({}),
    /**
     * Every connection the server admits, each a backend process with private memory inside the limit:
     * with the derivation's work_mem at its 1MB floor, 80 fit the default 1536Mi.
     */
    maxConnections: z.number().int().min(10).max(10000).default(80),
    /**
     * One busy backend's private memory beside its work_mem allocations (catalog caches, plans, buffers).
     * Default measured on Postgres 15 in a memory cgroup: 2.0 MiB on the limits test's query mix, rounded up
     * to 3Mi for an app's larger catalog; an app with hundreds of tables should measure its own.
     */
    backendMemory: unitMemory("backends").prefault(formatMemory(DEFAULT_BACKEND_MEMORY)),
    /** The memory-backed /dev/shm (parallel query's dynamic shared memory); counted inside the limit. */
    shmSize: size().prefault("128Mi"),
    database: identifier("app"),
    username: identifier("app"),
    password: secretString(16),
    settings: postgresSettingsSchema,
    pooler: poolerSchema,
    probes: z
      .strictObject({
        /** Longest start, crash recovery included, before the startup probe gives up. */
        startupTimeout: secondsField(30, 86400).prefault(600),
      })
      .prefault({}),
  })
  // An absent `postgres` key still reports `postgres.password: is required`, naming what to set.
  .prefault({ password: undefined });
export type PostgresConfig = z.output<typeof postgresSchema>;
