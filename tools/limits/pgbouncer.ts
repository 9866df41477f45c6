// PgBouncer in front of the Postgres under load, when the stack renders one (postgres.pooler on): the
// rendered pgbouncer.ini, as many PgBouncer processes as a rollout's peak runs pods (Postgres'
// max_connections budgets each its max_db_connections), so Postgres sees every server connection the
// poolers may open while max_client_conn clients queue for them. PgBouncer runs outside Postgres' group
// (it is its own pod); only where it listens, whom it lets in and where Postgres is change.
import { chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, start, type Started, startOnFreePort, stop, StopWaiting, TOOLS, waitFor } from "./software";

export interface Poolers {
  /** One port per PgBouncer process, on 127.0.0.1. */
  readonly ports: readonly number[];
  /** The rendered numbers the load relies on. */
  readonly settings: { max_client_conn: number; default_pool_size: number; reserve_pool_size: number; max_db_connections: number; processes: number };
  /** Server connections all processes may open at once. */
  readonly servers: number;
  /** Errors PgBouncer logged (a refused client, a lost server). */
  errors(): string[];
  stop(): Promise<void>;
}

function iniValue(ini: string, name: string): number {
  const m = new RegExp(`^${name}\\s*=\\s*(\\d+)\\s*$`, "m").exec(ini);
  if (!m) throw new Error(`pgbouncer.ini has no ${name}`);
  return Number(m[1]);
}

/**
 * Starts the poolers. `maxServerConnections` is Postgres' max_connections less the superuser reserve, which
 * the derivation made a whole multiple of max_db_connections (one share per pod at the rollout's peak).
 */
export async function startPoolers(ini: string, dir: string, pg: { socketDir: string; port: number }, maxServerConnections: number, asPostgres: (cmd: string, args: string[]) => [string, string[]]): Promise<Poolers> {
  const maxDb = iniValue(ini, "max_db_connections");
  const settings = {
    max_client_conn: iniValue(ini, "max_client_conn"),
    default_pool_size: iniValue(ini, "default_pool_size"),
    reserve_pool_size: iniValue(ini, "reserve_pool_size"),
    max_db_connections: maxDb,
    processes: Math.max(1, Math.floor(maxServerConnections / maxDb)),
  };
  // The load's tables are the superuser's, in database postgres, over the unix socket with trust: the
  // rendered SCRAM is proven by test/real/pgbouncer.test.ts, so here the sandbox trusts its one user.
  const userlist = join(dir, "userlist.txt");
  writeFileSync(userlist, '"postgres" ""\n');
  const started: Started[] = [];
  const ports: number[] = [];
  const owner = process.getuid?.() === 0 ? ([Number(run("id", ["-u", "postgres"]).stdout), Number(run("id", ["-g", "postgres"]).stdout)] as const) : undefined;
  if (owner) chownSync(userlist, ...owner);
  for (let i = 0; i < settings.processes; i++) {
    // PgBouncer is told its port: startOnFreePort tries another one if it exits before answering (port taken).
    const port = await startOnFreePort(async (port) => {
      const text = ini
        .replace(/^\[databases\]\n.*$/m, `[databases]\npostgres = host=${pg.socketDir} port=${pg.port} dbname=postgres`)
        .replace(/^listen_addr = .*$/m, "listen_addr = 127.0.0.1")
        .replace(/^listen_port = .*$/m, `listen_port = ${port}`)
        .replace(/^auth_file = .*$/m, `auth_file = ${userlist}`)
        .replace(/^auth_type = .*$/m, "auth_type = trust")
        .replace(/^stats_users = .*$/m, "stats_users = postgres");
      const path = join(dir, `pgbouncer-${i}.ini`);
      writeFileSync(path, text);
      if (owner) chownSync(path, ...owner);
      const s = start(...asPostgres(TOOLS.pgbouncer.bin, [path]));
      try {
        await waitFor(() => `pgbouncer ${i} to listen (${s.output().slice(-500)})`, 30, () => {
          if (s.proc.exitCode !== null) throw new StopWaiting(`pgbouncer exited ${s.proc.exitCode}: ${s.output().slice(-500)}`);
          return run(TOOLS.psql.bin, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-At", "-c", "SELECT 1"]).stdout.trim() === "1" ? true : undefined;
        });
      } catch (e) {
        await stop(s);
        throw e;
      }
      started.push(s);
      return port;
    });
    ports.push(port);
  }
  return {
    ports,
    settings,
    servers: settings.processes * maxDb,
    errors: () => started.flatMap((s) => s.output().split("\n").filter((l) => / (ERROR|FATAL) /.test(l))),
    // SIGTERM: runuser passes it on (not SIGINT), and the load is over, so nothing is left to drain.
    stop: async () => {
      for (const s of started) await stop(s);
    },
  };
}
