// PostgreSQL settings derived from the container's limits: pgtune's "web" profile, computed from the
// memory limit M and CPU limit C of the container, never the node's. Pure: no @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import { POSTGRES } from "../shared/endpoints";
import { floorTo, formatPgMemory, PG_BLOCK } from "../../model/native-units";
import { formatMemory } from "../../model/quantity";
import type { PostgresConfig } from "../../config/schema/postgres";
import { type Bytes, bytes, GiB, KiB, MiB, type Millicores, type Seconds, seconds } from "../../model/units";
import type { ConnectionDemand } from "../../model/connections";
import type { UsageAccount } from "../../model/usage";
import { AUTOVACUUM_MAX_WORKERS, backendCost, committedMemory, DEFAULT_WORKER_PROCESSES, WORK_MEM_PER_BACKEND } from "../../model/postgres-memory";

/** Postgres' own default; the app's demand must leave these free for an administrator. */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;
/**
 * The floor of the derived work_mem. Postgres' default is 4MB; below 1MB nearly every sort and hash spills
 * to disk. The derivation goes below 4MB rather than let the connections' private memory pass the limit.
 */
export const MIN_WORK_MEM = bytes(1 * MiB);

const MAINTENANCE_WORK_MEM_CAP = bytes(2 * GiB);
const WAL_BUFFERS_MIN = bytes(32 * KiB);
const WAL_BUFFERS_MAX = bytes(16 * MiB);
const MIN_WAL_SIZE = bytes(1 * GiB);
const MAX_WAL_SIZE = bytes(4 * GiB);

/** Settings keyed as Postgres spells them, valued as postgresql.conf takes them, in the order written. */
export interface PostgresSettings {
  max_connections: number;
  superuser_reserved_connections: number;
  shared_buffers: string;
  effective_cache_size: string;
  maintenance_work_mem: string;
  work_mem: string;
  wal_buffers: string;
  min_wal_size: string;
  max_wal_size: string;
  checkpoint_completion_target: number;
  random_page_cost: number;
  effective_io_concurrency: number;
  jit: "on" | "off";
  max_worker_processes?: number;
  max_parallel_workers_per_gather?: number;
  max_parallel_workers?: number;
  max_parallel_maintenance_workers?: number;
}

/** The derivation in bytes, overrides applied and rounded to what Postgres will use. */
export interface PostgresTuning {
  memoryLimit: Bytes;
  /** Whole cores the CPU limit grants. */
  cores: number;
  maxConnections: number;
  /** W in pgtune's work_mem rule: max_worker_processes (C when C >= 4, else Postgres' default 8). */
  workerProcesses: number;
  sharedBuffers: Bytes;
  effectiveCacheSize: Bytes;
  maintenanceWorkMem: Bytes;
  workMem: Bytes;
  walBuffers: Bytes;
  minWalSize: Bytes;
  maxWalSize: Bytes;
  shm: Bytes;
  /** Each backend's private memory beside its work_mem allocations (postgres.backendMemory). */
  backendMemory: Bytes;
}

export function wholeCores(limit: Millicores): number {
  return Math.floor(limit / 1000);
}

/** pgtune's parallel settings, only for C >= 4; user overrides win and are kept at any C. */
export function parallelSettings(cores: number, o: PostgresConfig["settings"]): Partial<PostgresSettings> {
  const half = Math.min(4, Math.ceil(cores / 2));
  const derived = cores >= 4 ? { max_worker_processes: cores, max_parallel_workers_per_gather: half, max_parallel_workers: cores, max_parallel_maintenance_workers: half } : {};
  const keys = ["max_worker_processes", "max_parallel_workers_per_gather", "max_parallel_workers", "max_parallel_maintenance_workers"] as const;
  const out: Partial<PostgresSettings> = { ...derived };
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Postgres refuses a min_wal_size or max_wal_size below two 16MB WAL segments. */
export const MIN_WAL_FLOOR = bytes(32 * MiB);

/**
 * max_wal_size: 4GB, but at most a quarter of the volume, since WAL overshoots it under load and the data
 * needs the rest; min_wal_size: 1GB, but at most a quarter of max_wal_size.
 */
export function walSizes(volume: Bytes, maxOverride?: Bytes, minOverride?: Bytes): { min: Bytes; max: Bytes } {
  const max = floorTo(maxOverride ?? Math.min(MAX_WAL_SIZE, volume / 4), MiB);
  return { min: floorTo(minOverride ?? Math.min(MIN_WAL_SIZE, max / 4), MiB), max };
}

export function postgresTuning(pg: PostgresConfig): PostgresTuning {
  const o = pg.settings;
  const M = pg.resources.limits.memory;
  const C = wholeCores(pg.resources.limits.cpu);
  const W = o.max_worker_processes ?? (C >= 4 ? C : DEFAULT_WORKER_PROCESSES);
  const mc = pg.maxConnections;
  const sb = floorTo(o.shared_buffers ?? M / 4, PG_BLOCK);
  const wal = walSizes(pg.storage.size, o.max_wal_size, o.min_wal_size);
  const mwm = floorTo(o.maintenance_work_mem ?? Math.min(M / 16, MAINTENANCE_WORK_MEM_CAP), KiB);
  // What is left once shared memory, autovacuum and every backend's own memory are counted, shared by
  // every backend's work_mem allocations.
  const left = M - sb - pg.shmSize - AUTOVACUUM_MAX_WORKERS * mwm - (mc + W) * pg.backendMemory;
  return {
    memoryLimit: M,
    cores: C,
    maxConnections: mc,
    workerProcesses: W,
    sharedBuffers: sb,
    effectiveCacheSize: floorTo(o.effective_cache_size ?? (3 * M) / 4, PG_BLOCK),
    maintenanceWorkMem: mwm,
    workMem: floorTo(o.work_mem ?? Math.max(MIN_WORK_MEM, left / ((mc + W) * WORK_MEM_PER_BACKEND)), KiB),
    walBuffers: floorTo(o.wal_buffers ?? Math.min(WAL_BUFFERS_MAX, Math.max(WAL_BUFFERS_MIN, (sb * 3) / 100)), PG_BLOCK),
    minWalSize: wal.min,
    maxWalSize: wal.max,
    shm: pg.shmSize,
    backendMemory: pg.backendMemory,
  };
}

/** The settings as postgresql.conf spells them, from the derivation (pass it when it is at hand). */
export function postgresSettings(pg: PostgresConfig, t: PostgresTuning = postgresTuning(pg)): PostgresSettings {
  const o = pg.settings;
  const ssd = pg.storage.type === "ssd";
  return {
    max_connections: t.maxConnections,
    superuser_reserved_connections: SUPERUSER_RESERVED_CONNECTIONS,
    shared_buffers: formatPgMemory(t.sharedBuffers, PG_BLOCK),
    effective_cache_size: formatPgMemory(t.effectiveCacheSize, PG_BLOCK),
    maintenance_work_mem: formatPgMemory(t.maintenanceWorkMem),
    work_mem: formatPgMemory(t.workMem),
    wal_buffers: formatPgMemory(t.walBuffers, PG_BLOCK),
    min_wal_size: formatPgMemory(t.minWalSize, bytes(MiB)),
    max_wal_size: formatPgMemory(t.maxWalSize, bytes(MiB)),
    checkpoint_completion_target: o.checkpoint_completion_target ?? 0.9,
    random_page_cost: o.random_page_cost ?? (ssd ? 1.1 : 4),
    effective_io_concurrency: o.effective_io_concurrency ?? (ssd ? 200 : 2),
    jit: o.jit ?? "off",
    ...parallelSettings(t.cores, o),
  };
}

export { AUTOVACUUM_MAX_WORKERS, backendCost, committedMemory, WORK_MEM_PER_BACKEND };

const pg = (b: Bytes) => formatPgMemory(b);

function explainCommitted(t: PostgresTuning): string {
  return (
    `shared_buffers ${pg(t.sharedBuffers)} + /dev/shm ${pg(t.shm)} + ${AUTOVACUUM_MAX_WORKERS} autovacuum workers x maintenance_work_mem ${pg(t.maintenanceWorkMem)} + ` +
    `(${t.maxConnections} connections + ${t.workerProcesses} worker processes) x (backend ${pg(t.backendMemory)} + ${WORK_MEM_PER_BACKEND} x work_mem ${pg(t.workMem)}) = ${pg(committedMemory(t))}`
  );
}

/** PgBouncer in front, as Postgres' checks see it (components/pgbouncer/tuning.ts PoolerPlan). */
export interface PoolerFront {
  readonly enabled: boolean;
  readonly maxClientConn: { readonly value: number };
}

/** What to do when the demand does not fit a server without a pooler. */
const ENABLE_POOLER = "or put PgBouncer in front: set postgres.pooler.enabled to auto or true";

/**
 * The connections every client may open must fit: PgBouncer's max_client_conn when the pooler is on, else
 * max_connections with the superuser reserve.
 */
export function checkConnections(p: PostgresConfig, demand: readonly ConnectionDemand[], key = "postgres", pooler?: PoolerFront): ConfigIssue[] {
  const total = demand.reduce((s, d) => s + d.connections, 0);
  const explain = demand.map((d) => d.explain).join("; ");
  if (pooler?.enabled) {
    const max = pooler.maxClientConn.value;
    if (total <= max) return [];
    return [issue(`${key}.pooler.maxClientConn`, `the app can open ${total} connections (${explain}): more than PgBouncer's max_client_conn (raise it, or leave it unset to derive it from the demand)`, max)];
  }
  const needed = total + SUPERUSER_RESERVED_CONNECTIONS;
  if (needed <= p.maxConnections) return [];
  return [
    issue(
      `${key}.maxConnections`,
      `the app can open ${total} connections (${explain}) and ${SUPERUSER_RESERVED_CONNECTIONS} are reserved for superusers: ` +
        `${needed} is more than max_connections (raise ${key}.maxConnections, or lower the pool sizes, ${ENABLE_POOLER})`,
      p.maxConnections,
    ),
  ];
}

const MEMORY_OVERRIDES = ["shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size", "wal_buffers"] as const;

/** Overrides that cannot fit the limit, and a default that leaves too little, each naming its key. */
export function checkPostgres(p: PostgresConfig, demand: readonly ConnectionDemand[] = [], key = "postgres", pooler?: PoolerFront): ConfigIssue[] {
  const o = p.settings;
  const M = p.resources.limits.memory;
  const limit = formatMemory(M);
  const t = postgresTuning(p);
  const out: ConfigIssue[] = [];
  for (const k of MEMORY_OVERRIDES) {
    const v = o[k];
    if (v !== undefined && v > M) out.push(issue(`${key}.settings.${k}`, `${pg(v)} is more than limits.memory ${limit}`, pg(v)));
  }
  // One override past the limit says enough; the sum would only repeat it.
  if (out.length === 0 && committedMemory(t) > M) {
    const culprit = (["shared_buffers", "work_mem", "maintenance_work_mem"] as const).find((k) => o[k] !== undefined);
    const what = `${explainCommitted(t)} does not fit limits.memory ${limit}`;
    out.push(
      culprit
        ? issue(`${key}.settings.${culprit}`, what, pg(o[culprit]!))
        : pooler?.enabled
          ? issue(`${key}.resources.limits.memory`, `${what} (raise the limit, or lower ${key}.pooler.poolSize or ${key}.pooler.replicas, or ${key}.shmSize)`, limit)
          : issue(`${key}.resources.limits.memory`, `${what} (raise the limit, or lower ${key}.maxConnections and the app's pool sizes, or ${key}.shmSize, ${ENABLE_POOLER})`, limit),
    );
  }
  const halfVolume = floorTo(p.storage.size / 2, MiB);
  if (o.max_wal_size !== undefined && o.max_wal_size > halfVolume) {
    out.push(issue(`${key}.settings.max_wal_size`, `leaves less than half of storage.size ${formatMemory(p.storage.size)} for data (at most ${pg(halfVolume)})`, pg(o.max_wal_size)));
  }
  if (o.min_wal_size !== undefined && t.minWalSize > t.maxWalSize) {
    out.push(issue(`${key}.settings.min_wal_size`, `is more than max_wal_size ${pg(t.maxWalSize)}`, pg(o.min_wal_size)));
  }
  if (t.minWalSize < MIN_WAL_FLOOR) {
    const k = o.min_wal_size !== undefined ? "settings.min_wal_size" : o.max_wal_size !== undefined ? "settings.max_wal_size" : "storage.size";
    const got = k === "storage.size" ? formatMemory(p.storage.size) : pg(k === "settings.min_wal_size" ? o.min_wal_size! : o.max_wal_size!);
    out.push(issue(`${key}.${k}`, `gives min_wal_size ${pg(t.minWalSize)}, below the two 16MB WAL segments Postgres requires`, got));
  }
  return [...out, ...checkConnections(p, demand, key, pooler)];
}

/** Why each memory setting is what it is, from the derivation's own numbers, for postgresql.conf's comment block. */
export function explainTuning(p: PostgresConfig, t: PostgresTuning): string[] {
  const M = formatMemory(t.memoryLimit);
  const o = p.settings;
  const why = (k: keyof typeof o, rule: string) => `${k}: ${o[k] !== undefined ? "set in stack config" : rule}`;
  return [
    `memory limit M = ${M}, CPU limit C = ${t.cores} whole cores, max_connections = ${t.maxConnections}, W = ${t.workerProcesses}`,
    why("shared_buffers", "M/4"),
    why("effective_cache_size", "3M/4"),
    why("maintenance_work_mem", "M/16, at most 2GB"),
    why("work_mem", `(M - shared_buffers - /dev/shm - ${AUTOVACUUM_MAX_WORKERS} x maintenance_work_mem - (max_connections + W) x backend ${pg(t.backendMemory)}) / ((max_connections + W) x ${WORK_MEM_PER_BACKEND}), at least 1MB`),
    why("wal_buffers", "3% of shared_buffers, between 32kB and 16MB"),
    why("max_wal_size", `4GB, at most a quarter of the ${formatMemory(p.storage.size)} volume`),
    `at most ${explainCommitted(t)} of ${M}`,
  ];
}

function confValue(v: string | number): string {
  // Numbers and Postgres memory units ("384MB") go unquoted, as pgtune writes them; other strings quoted.
  if (typeof v === "number" || /^\d+(B|kB|MB|GB|TB)?$/.test(v) || v === "on" || v === "off") return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

/** Settings every server gets, whatever its size: it listens in the pod, logs to stderr, keeps UTC. */
const FIXED: Record<string, string | number> = {
  listen_addresses: "*",
  port: POSTGRES.port,
  unix_socket_directories: POSTGRES.socketDir,
  dynamic_shared_memory_type: "posix",
  password_encryption: "scram-sha-256",
  logging_collector: "off",
  log_destination: "stderr",
  timezone: "UTC",
  log_timezone: "UTC",
};

/** postgresql.conf: one `name = value` line per setting, as `postgres -C name` reads them back. */
export function renderPostgresConf(p: PostgresConfig, t: PostgresTuning = postgresTuning(p)): string {
  const lines = [
    "# Generated by rightsize from the container's resource limits (pgtune's web profile); edit the stack config, not this file.",
    ...explainTuning(p, t).map((l) => `# ${l}`),
    ...Object.entries(FIXED).map(([k, v]) => `${k} = ${confValue(v)}`),
    ...Object.entries(postgresSettings(p, t)).map(([k, v]) => `${k} = ${confValue(v as string | number)}`),
  ];
  return lines.join("\n") + "\n";
}

/** Fast shutdown (SIGINT) in a preStop hook: SIGTERM is Postgres' smart shutdown, which waits for every client. */
export const SHUTDOWN_TIMEOUT: Seconds = seconds(60);
export function terminationGracePeriod(): Seconds {
  return seconds(SHUTDOWN_TIMEOUT + 30);
}

/**
 * The usage model: the shared part (shared_buffers, /dev/shm, autovacuum) + backends (max_connections +
 * worker processes) x each busy backend's cost (backendMemory + WORK_MEM_PER_BACKEND x work_mem). The cost
 * is derived, so recommend's calibrated per-backend cost less WORK_MEM_PER_BACKEND x work_mem is the
 * postgres.backendMemory to set.
 */
export function postgresUsage(p: PostgresConfig): UsageAccount {
  const t = postgresTuning(p);
  return {
    units: t.maxConnections + t.workerProcesses,
    fixed: bytes(t.sharedBuffers + t.shm + AUTOVACUUM_MAX_WORKERS * t.maintenanceWorkMem),
    perUnit: backendCost(t),
  };
}

/** The smallest limit (whole MiB) whose derivation gives each backend at least `perBackend`; the backends are the config's. */
export function postgresLimitFor(p: PostgresConfig, _units: number, perBackend: Bytes): Bytes {
  const at = (m: number) => postgresUsage({ ...p, resources: { ...p.resources, limits: { ...p.resources.limits, memory: bytes(m * MiB) } } }).perUnit;
  let lo = 1;
  let hi = 2;
  while (at(hi) < perBackend) [lo, hi] = [hi, hi * 2];
  // at(lo) < perBackend <= at(hi): the smallest whole MiB in between.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid) >= perBackend) hi = mid;
    else lo = mid;
  }
  return bytes((at(lo) >= perBackend ? lo : hi) * MiB);
}
