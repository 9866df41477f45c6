// PostgreSQL 15 in its memory limit with the rendered postgresql.conf: shared_buffers filled with data
// (pg_prewarm), then every connection the server admits to the app (max_connections minus the superuser
// reserve, which is at least what the app's pools can open) busy at once with a query that hashes, joins,
// aggregates and sorts (each holding work_mem, hashes 2 x), while a superuser connection runs CHECKPOINT
// and VACUUM ANALYZE in a loop. Healthy: pgbench loses no transaction, the postmaster never restarts its
// backends (crash recovery), and it answers at the end. With PgBouncer rendered, max_client_conn clients go
// through as many PgBouncer processes as a rollout's peak runs (./pgbouncer.ts), so the busy backends are
// every server connection the poolers may open. The anonymous memory of the group at its peak,
// less what the idle server held, divided by the busy backends, is the measured per-backend cost.
import { chownSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Harness, sleep, stopwatch } from "./harness";
import { run, runAsync, start, stop, TOOLS, waitFor } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";
import { type Poolers, startPoolers } from "./pgbouncer";

/** The test query mix: a hash join, a hash aggregate that spills, and a full sort, in one plan. */
export const PG_QUERY = "SELECT t.k, count(*), max(u.w) FROM t JOIN u ON u.id = t.id GROUP BY t.k, t.v ORDER BY 3 DESC OFFSET 99990;";
const ROWS = 100_000;
const QUERY_MIX = `a hash join + hash aggregate + sort over ${ROWS} rows (pgbench), shared_buffers prewarmed full, CHECKPOINT and VACUUM ANALYZE in a loop`;

/** The rendered pgbouncer.ini, when the stack has the pooler on. */
function renderedPooler(w: RenderedWorkload): string | undefined {
  try {
    return w.file("pgbouncer-config", "pgbouncer.ini");
  } catch {
    return undefined;
  }
}

export interface PostgresLoadOptions {
  readonly seconds?: number;
  /** Busy client connections; default max_connections - superuser_reserved_connections. */
  readonly clients?: number;
  /** The postgresql.conf to run instead of the rendered one (a seed's numbers, bypassing the config checks). */
  readonly conf?: string;
}

const isRoot = process.getuid?.() === 0;
const asPostgres = (cmd: string, args: string[]): [string, string[]] => (isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);

function confValue(conf: string, name: string): string | undefined {
  let v: string | undefined;
  for (const m of conf.matchAll(new RegExp(`^\\s*${name}\\s*=\\s*'?([^'#\\n]*?)'?\\s*(#.*)?$`, "gm"))) v = m[1];
  return v;
}

const PG_UNITS: Record<string, number> = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const pgBytes = (v: string) => {
  const m = /^(\d+)(kB|MB|GB)?$/.exec(v.trim());
  return m ? Number(m[1]) * (m[2] ? PG_UNITS[m[2]]! : 8192) : 0;
};

/** Anonymous (private) memory charged to the group: processes' heaps, not shared_buffers or page cache. */
function anonBytes(memoryPath: string, v: 1 | 2): number {
  const stat = readFileSync(join(memoryPath, "memory.stat"), "utf8");
  const m = new RegExp(`^${v === 1 ? "total_rss" : "anon"} (\\d+)$`, "m").exec(stat);
  return m ? Number(m[1]) : 0;
}

export async function postgresLoad(h: Harness, w: RenderedWorkload, opts: PostgresLoadOptions = {}): Promise<WorkloadReport> {
  const conf = opts.conf ?? w.file("postgres-config", "postgresql.conf");
  const maxConnections = Number(confValue(conf, "max_connections") ?? 100);
  const reserved = Number(confValue(conf, "superuser_reserved_connections") ?? 3);
  // With PgBouncer rendered (and no seed's conf in place), the clients go through it: max_client_conn of them.
  const poolerIni = opts.conf === undefined ? renderedPooler(w) : undefined;
  const maxClientConn = poolerIni ? Number(/^max_client_conn\s*=\s*(\d+)/m.exec(poolerIni)?.[1] ?? 0) : 0;
  const clients = opts.clients ?? (poolerIni ? maxClientConn : maxConnections - reserved);
  const sharedBuffers = pgBytes(confValue(conf, "shared_buffers") ?? "128MB");
  const dir = h.scratch(w.name);
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  const confPath = join(dir, "postgresql.conf");
  writeFileSync(confPath, conf);
  run("mkdir", ["-p", data, sock]);
  if (isRoot) {
    const uid = Number(run("id", ["-u", "postgres"]).stdout);
    const gid = Number(run("id", ["-g", "postgres"]).stdout);
    for (const p of [dir, data, sock, confPath]) chownSync(p, uid, gid);
  }
  const init = run(...asPostgres(TOOLS.initdb.bin, ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]));
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const psql = (sql: string, timeoutMs = 600_000) =>
    run(TOOLS.psql.bin, ["-h", sock, "-U", "postgres", "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { timeoutMs });
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  // Only where it listens changes: a unix socket in the scratch folder, no TCP.
  const server = start(...g.wrap(...asPostgres(TOOLS.postgres.bin, ["-D", data, "-c", `config_file=${confPath}`, "-c", "listen_addresses=", "-c", `unix_socket_directories=${sock}`])));
  await waitFor(() => `postgres to accept connections (${server.output().slice(-1000)})`, 60, () => (psql("SELECT 1").stdout.trim() === "1" ? true : undefined));
  const clock = stopwatch();
  const problems: string[] = [];
  let poolers: Poolers | undefined;
  if (poolerIni) poolers = await startPoolers(poolerIni, dir, { socketDir: sock, port: Number(confValue(conf, "port") ?? 5432) }, maxConnections - reserved, asPostgres);
  // Busy backends: every server connection the poolers may open, or every client without them.
  const backends = poolers ? Math.min(poolers.servers, clients) : clients;
  const fillRows = Math.ceil(sharedBuffers / 8192) * 7;
  const setup = psql(
    `CREATE EXTENSION pg_prewarm; ` +
      `CREATE TABLE t AS SELECT i AS id, md5(i::text) AS v, i % 1000 AS k FROM generate_series(1, ${ROWS}) i; ` +
      `CREATE TABLE u AS SELECT i AS id, md5((i * 7)::text) AS w FROM generate_series(1, ${ROWS}) i; ` +
      // About shared_buffers of data (7 rows of ~1 kB a page), read into shared_buffers: the shared part is charged in full.
      `CREATE TABLE fill AS SELECT i AS id, repeat('x', 1000) AS pad FROM generate_series(1, ${fillRows}) i; ` +
      `ANALYZE; SELECT pg_prewarm('fill', 'buffer');`,
  );
  if (setup.code !== 0) problems.push(`setup failed: ${setup.stderr.trim()}`);
  await sleep(500);
  const idleAnon = anonBytes(g.memoryPath, h.hierarchy.version);
  const script = join(dir, "load.sql");
  writeFileSync(script, `${PG_QUERY}\n`);
  const seconds = opts.seconds ?? 10;
  let peakAnon = idleAnon;
  let maintenance = 0;
  let pgbench = { code: -1, stdout: "", stderr: "" };
  let processed = 0;
  if (problems.length === 0) {
    // One pgbench per pooler (clients shared out), or one straight at the socket.
    const targets = poolers ? poolers.ports.map((p) => ["-h", "127.0.0.1", "-p", String(p)]) : [["-h", sock]];
    const benches = targets.map((t, i) => {
      const n = Math.floor(clients / targets.length) + (i < clients % targets.length ? 1 : 0);
      return { n, s: start(TOOLS.pgbench.bin, [...t, "-U", "postgres", "-n", "-c", String(n), "-j", "2", "-T", String(seconds), "-f", script, "postgres"]) };
    });
    const done = Promise.all(benches.map((b) => new Promise<void>((r) => (b.s.proc.exitCode !== null ? r() : b.s.proc.once("exit", () => r()))))).then(() => undefined);
    let finished = false;
    void done.then(() => (finished = true));
    const sampler = setInterval(() => {
      try {
        peakAnon = Math.max(peakAnon, anonBytes(g.memoryPath, h.hierarchy.version));
      } catch {
        // the group is gone
      }
    }, 200);
    // Checkpoints and vacuum while every backend is busy, from a reserved superuser connection.
    while (!finished) {
      await runAsync(TOOLS.psql.bin, ["-h", sock, "-U", "postgres", "-d", "postgres", "-c", "CHECKPOINT", "-c", "VACUUM ANALYZE t, u"], { timeoutMs: 120_000 });
      maintenance++;
      await Promise.race([done, sleep(3000)]);
    }
    clearInterval(sampler);
    const sum = (re: RegExp) => benches.reduce((s, b) => s + Number(re.exec(b.s.output())?.[1] ?? 0), 0);
    const worst = benches.find((b) => b.s.proc.exitCode !== 0);
    pgbench = { code: worst ? (worst.s.proc.exitCode ?? -1) : 0, stdout: benches.map((b) => b.s.output()).join("\n"), stderr: "" };
    const failed = sum(/number of failed transactions: (\d+)/);
    processed = sum(/number of transactions actually processed: (\d+)/);
    if (pgbench.code !== 0) problems.push(`pgbench exited ${pgbench.code}: ${pgbench.stdout.split("\n").filter((l) => /error|abort|FATAL|terminat/i.test(l)).slice(0, 3).join("; ")}`);
    if (failed > 0) problems.push(`${failed} transactions failed`);
    if (processed < clients) problems.push(`only ${processed} queries finished for ${clients} clients`);
    const poolerErrors = poolers?.errors() ?? [];
    if (poolerErrors.length > 0) problems.push(`PgBouncer: ${poolerErrors.slice(0, 3).join("; ")}`);
  }
  const log = server.output();
  if (/terminating any other active server processes|was terminated by signal|database system was interrupted/.test(log)) {
    problems.push(`crash recovery: ${/.*(terminated by signal|terminating any other).*/.exec(log)?.[0] ?? "backends were reset"}`);
  }
  const alive = server.proc.exitCode === null && psql("SELECT 1").stdout.trim() === "1";
  if (!alive) problems.push(`postgres does not answer (${server.proc.signalCode ?? server.proc.exitCode ?? "no reply"})`);
  const secondsTaken = clock();
  const oomKills = g.oomKills();
  await poolers?.stop();
  await stop(server, "SIGINT");
  await g.destroy();
  const perBackend = Math.max(0, Math.round((peakAnon - idleAnon) / Math.max(1, backends)));
  return {
    ...base(w),
    settings: {
      ...Object.fromEntries(["shared_buffers", "work_mem", "maintenance_work_mem", "max_connections"].map((k) => [k, confValue(conf, k) ?? ""])),
      ...(poolers ? { pgbouncer: poolers.settings } : {}),
    },
    load: poolers
      ? `${clients} clients (max_client_conn) through ${poolers.settings.processes} PgBouncer processes (the rollout's peak pods, rendered pgbouncer.ini, transaction pooling) onto ${backends} busy server connections for ${seconds} s with ${QUERY_MIX}`
      : `${clients} connections busy at once for ${seconds} s with ${QUERY_MIX}`,
    seconds: secondsTaken,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured: {
      clients,
      backends,
      transactions: processed,
      checkpoints: maintenance,
      anon_idle_bytes: idleAnon,
      anon_peak_bytes: peakAnon,
      per_backend_bytes: perBackend,
    },
  };
}
