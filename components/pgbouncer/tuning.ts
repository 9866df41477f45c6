// PgBouncer between the app and Postgres, derived from the app's connection demand and Postgres' memory
// limit. Pure: no @pulumi imports.
//
// Without a pooler every connection the app's pools may open is a Postgres backend with its own memory
// (model/postgres-memory), so the demand decides Postgres' memory. In transaction pooling a server
// connection serves a client only for one transaction, so a few server connections serve all clients:
// max_client_conn follows the demand, the server side follows what the memory holds at work_mem 4MB.
import { type ConfigIssue, issue } from "../../config/issues";
import type { PoolerConfig, PostgresConfig } from "../../config/schema/postgres";
import type { StackConfig } from "../../config/schema";
import type { ConnectionDemand } from "../../model/connections";
import type { Derived } from "../../model/derived";
import { formatPgMemory } from "../../model/native-units";
import { formatMemory } from "../../model/quantity";
import { connectionsThatFit } from "../../model/postgres-memory";
import { peakPods } from "../../model/rollout";
import { type Bytes, bytes, MiB, type Seconds } from "../../model/units";
import { celeryDbConnections } from "../celery/tuning";
import { PGBOUNCER, POSTGRES } from "../shared/endpoints";
import { postgresTuning, SUPERUSER_RESERVED_CONNECTIONS } from "../postgres/tuning";
import { webConnectionDemand } from "../web/tuning";

/** The work_mem the pooler sizes the server side for: Postgres' own default, pgtune's web figure. */
export const POOLED_WORK_MEM: Bytes = bytes(4 * MiB);
/** Clients beyond the demand: the probes' TCP connects, an operator's console, a pool's reconnect. */
export const CLIENT_HEADROOM = { share: 0.1, least: 10 } as const;

/** Every connection the app's pools may open (web at its HPA max with surge, every Celery pool draining). */
export function appConnectionDemand(c: StackConfig): ConnectionDemand[] {
  return [webConnectionDemand(c.web), ...celeryDbConnections(c)];
}

const total = (demand: readonly ConnectionDemand[]) => demand.reduce((s, d) => s + d.connections, 0);

/** Connections Postgres' memory limit holds with every backend busy at the pooled work_mem (or the override). */
export function connectionsAtPooledWorkMem(pg: PostgresConfig): Derived<number> {
  const t = postgresTuning(pg);
  const workMem = pg.settings.work_mem ?? POOLED_WORK_MEM;
  const value = connectionsThatFit({ ...t, workMem }, t.memoryLimit);
  return { value, why: `the committed-memory rule solved for max_connections in ${formatMemory(t.memoryLimit)} at work_mem ${formatPgMemory(workMem)}: ${value}` };
}

export interface PoolerPlan {
  readonly enabled: boolean;
  /** Why it is on or off. */
  readonly why: string;
  /** The app's demand, summed. */
  readonly demand: number;
  readonly replicas: number;
  /** PgBouncer pods at a rollout's peak (each may hold its server connections). */
  readonly peakPods: number;
  readonly maxClientConn: Derived<number>;
  readonly defaultPoolSize: Derived<number>;
  readonly reservePoolSize: Derived<number>;
  /** Server connections one pod may open: default_pool_size + reserve_pool_size. */
  readonly maxDbConnections: Derived<number>;
  readonly serverIdleTimeout: Seconds;
  /** Postgres' max_connections with the pooler in front: every pod's servers at the peak + the superuser reserve. */
  readonly postgresMaxConnections: Derived<number>;
}

/** Whether the pooler is on, and its numbers. */
export function poolerPlan(pg: PostgresConfig, demand: readonly ConnectionDemand[]): PoolerPlan {
  const p: PoolerConfig = pg.pooler;
  const clients = total(demand);
  const need = clients + SUPERUSER_RESERVED_CONNECTIONS;
  const fit = connectionsAtPooledWorkMem(pg);
  const enabled = p.enabled === "auto" ? need > fit.value : p.enabled;
  const why =
    p.enabled !== "auto"
      ? `postgres.pooler.enabled is ${p.enabled}`
      : `auto: the app's ${clients} connections + ${SUPERUSER_RESERVED_CONNECTIONS} reserved = ${need} ${enabled ? "do not fit" : "fit"} ${fit.why}`;
  const peak = peakPods("one-at-a-time", p.replicas);
  const servers = fit.value - SUPERUSER_RESERVED_CONNECTIONS;
  // Every pod may hold its whole share at once, the rollout's surge pod included.
  const share = Math.floor(servers / peak);
  const reserveOf = (n: number) => Math.max(1, Math.floor(n / 10));
  let pool: Derived<number>;
  let reserve: Derived<number>;
  if (p.poolSize !== undefined) {
    pool = { value: p.poolSize, why: `${p.poolSize} (set in config)` };
    reserve = { value: reserveOf(p.poolSize), why: `10% of default_pool_size, at least 1` };
  } else {
    // No more servers than clients could use, and each pod's share of what the memory holds.
    const cap = Math.min(share, clients);
    reserve = { value: reserveOf(cap), why: `10% of the pod's server connections, at least 1: used after a client waited reserve_pool_timeout` };
    pool = {
      value: Math.max(0, cap - reserve.value),
      why: `min((${fit.value} fit at work_mem 4MB - ${SUPERUSER_RESERVED_CONNECTIONS} superuser) / ${peak} pods at a rollout's peak = ${share}, the app's ${clients}) - reserve ${reserve.value}`,
    };
  }
  const maxDb = pool.value + reserve.value;
  const headroom = Math.max(CLIENT_HEADROOM.least, Math.ceil(clients * CLIENT_HEADROOM.share));
  const maxClientConn: Derived<number> =
    p.maxClientConn !== undefined
      ? { value: p.maxClientConn, why: `${p.maxClientConn} (set in config)` }
      : { value: clients + headroom, why: `the app's ${clients} connections (each pod may get all of them while another restarts) + ${headroom} for probes and consoles` };
  const mc = peak * maxDb + SUPERUSER_RESERVED_CONNECTIONS;
  return {
    enabled,
    why,
    demand: clients,
    replicas: p.replicas,
    peakPods: peak,
    maxClientConn,
    defaultPoolSize: pool,
    reservePoolSize: reserve,
    maxDbConnections: { value: maxDb, why: `default_pool_size ${pool.value} + reserve_pool_size ${reserve.value}` },
    serverIdleTimeout: p.serverIdleTimeout,
    postgresMaxConnections: { value: mc, why: `${peak} PgBouncer pods x max_db_connections ${maxDb} + ${SUPERUSER_RESERVED_CONNECTIONS} superuser = ${mc}` },
  };
}

/** The stack's pooler, from the same demand Postgres' connection check adds up. */
export function stackPooler(c: StackConfig): PoolerPlan {
  return poolerPlan(c.postgres, appConnectionDemand(c));
}

/** Postgres' config as the server runs it: with the pooler on, max_connections is the pooler's servers + reserve. */
export function servedPostgres(c: StackConfig, plan: PoolerPlan = stackPooler(c)): PostgresConfig {
  return plan.enabled ? { ...c.postgres, maxConnections: plan.postgresMaxConnections.value } : c.postgres;
}

/** Where the app connects: the pooler when it is on, else Postgres. */
export function databaseEndpoint(c: StackConfig): { name: string; port: number } {
  return stackPooler(c).enabled ? PGBOUNCER : POSTGRES;
}

/** The pooler's problems that Postgres' own checks cannot see, each naming its key. */
export function checkPooler(pg: PostgresConfig, plan: PoolerPlan, key = "postgres"): ConfigIssue[] {
  if (!plan.enabled) return [];
  const out: ConfigIssue[] = [];
  if (plan.defaultPoolSize.value < 1) {
    out.push(
      issue(
        `${key}.resources.limits.memory`,
        `holds ${connectionsAtPooledWorkMem(pg).value} connections at work_mem 4MB, too few for ${SUPERUSER_RESERVED_CONNECTIONS} superuser + ${plan.peakPods} PgBouncer pods x (a pool of 1 + a reserve of 1) (raise the limit, or lower postgres.pooler.replicas)`,
        formatMemory(pg.resources.limits.memory),
      ),
    );
  }
  return out;
}

export interface PgbouncerSettings {
  pool_mode: "transaction";
  max_client_conn: number;
  default_pool_size: number;
  min_pool_size: number;
  reserve_pool_size: number;
  reserve_pool_timeout: number;
  max_db_connections: number;
  server_idle_timeout: number;
  server_lifetime: number;
  query_wait_timeout: number;
  auth_type: "scram-sha-256";
  ignore_startup_parameters: string;
}

/** The settings as pgbouncer.ini spells them (the plan's tuning). */
export function pgbouncerSettings(plan: PoolerPlan): PgbouncerSettings {
  return {
    pool_mode: "transaction",
    max_client_conn: plan.maxClientConn.value,
    default_pool_size: plan.defaultPoolSize.value,
    // Servers open on demand and close after server_idle_timeout, returning their backend's memory.
    min_pool_size: 0,
    reserve_pool_size: plan.reservePoolSize.value,
    reserve_pool_timeout: 5,
    max_db_connections: plan.maxDbConnections.value,
    server_idle_timeout: plan.serverIdleTimeout,
    server_lifetime: 3600,
    // A client waits this long for a server, then gets an error rather than hanging.
    query_wait_timeout: 120,
    // Postgres stores scram-sha-256 verifiers (password_encryption); PgBouncer speaks SCRAM to both sides.
    auth_type: "scram-sha-256",
    // JDBC and some drivers send it at startup; PgBouncer would refuse the connection otherwise.
    ignore_startup_parameters: "extra_float_digits",
  };
}

export interface IniTarget {
  /** Postgres' host and port, as PgBouncer reaches it. */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** PgBouncer's own port. */
  readonly listenPort: number;
  readonly authFile: string;
}

/** pgbouncer.ini: one database (the app's), TCP only, logging to stderr, the derivation's numbers explained. */
export function renderPgbouncerIni(plan: PoolerPlan, s: PgbouncerSettings, t: IniTarget): string {
  const lines = [
    "; Generated by rightsize from the app's connection demand and Postgres' memory limit; edit the stack config, not this file.",
    `; on: ${plan.why}`,
    `; max_client_conn = ${plan.maxClientConn.why}`,
    `; default_pool_size = ${plan.defaultPoolSize.why}`,
    `; reserve_pool_size = ${plan.reservePoolSize.why}`,
    `; Postgres max_connections = ${plan.postgresMaxConnections.why}`,
    "[databases]",
    `${t.database} = host=${t.host} port=${t.port} dbname=${t.database}`,
    "",
    "[pgbouncer]",
    "listen_addr = 0.0.0.0",
    `listen_port = ${t.listenPort}`,
    // No Unix socket, pid file or log file: the root filesystem is read-only and logs go to stderr.
    "unix_socket_dir =",
    `auth_file = ${t.authFile}`,
    `stats_users = ${t.user}`,
    ...Object.entries(s).map(([k, v]) => `${k} = ${v}`),
  ];
  return lines.join("\n") + "\n";
}

/** userlist.txt: the app's user and password, each in double quotes with inner quotes doubled. */
export function userlistLine(user: string, password: string): string {
  const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
  return `${q(user)} ${q(password)}\n`;
}
