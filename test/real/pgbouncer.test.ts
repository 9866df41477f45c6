// The rendered pgbouncer.ini, run by Debian's PgBouncer 1.18 in front of Debian's PostgreSQL 15 (the dev
// stack's postgresql.conf) on loopback: PgBouncer accepts the file, max_client_conn clients are connected
// at once and each runs queries while Postgres sees at most max_db_connections of them, SCRAM works with
// the Secret's userlist line, transaction pooling breaks session SET as the README says, and the pod's
// preStop hook lets a running transaction commit before the kubelet's SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userlistLine } from "../../components/pgbouncer/tuning";
import { configMapFile, missingPackages, renderStack, reportMissing, run, start, startOnFreePort, type Started, stop, stopAll, TOOLS, waitFor } from "./support";

const skip = reportMissing("PgBouncer checks", missingPackages([TOOLS.postgres, TOOLS.initdb, TOOLS.psql, TOOLS.pgbench, TOOLS.pgbouncer]));
const isRoot = process.getuid?.() === 0;
// initdb, postgres and pgbouncer refuse to run as root: run them as Debian's postgres user.
const asUser = (cmd: string, args: string[]): [string, string[]] => (isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);
// The dev stack's credentials, as its Secret holds them (render writes placeholders, so the stack file's value).
const USER = "app";
const PASSWORD = "dev-only-postgres-password";

/** `name = value` lines of an ini section, in order. */
function ini(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    const a = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (a) m.set(a[1]!, a[2]!);
  }
  return m;
}

/** One psql session kept open, so that its statements are one client's, in order. */
class Session {
  private out = "";
  private readonly proc: ChildProcess;
  constructor(port: number, password = PASSWORD) {
    this.proc = spawn(TOOLS.psql.bin, ["-h", "127.0.0.1", "-p", String(port), "-U", USER, "-d", "app", "-At", "-q", "-X"], {
      env: { ...process.env, PGPASSWORD: password },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.proc.stdout!.on("data", (d) => (this.out += String(d)));
    this.proc.stderr!.on("data", (d) => (this.out += String(d)));
  }
  async sql(statement: string): Promise<string> {
    const mark = `__done_${Math.random().toString(36).slice(2)}__`;
    const from = this.out.length;
    // The semicolon sends the statement now; without it psql would keep it in its buffer.
    this.proc.stdin!.write(`${statement};\n\\echo ${mark}\n`);
    return waitFor(() => `psql to answer ${statement} (${this.out.slice(from)})`, 30, () => {
      const i = this.out.indexOf(mark, from);
      return i < 0 ? undefined : this.out.slice(from, i).trim();
    });
  }
  close() {
    this.proc.stdin!.end("\\q\n");
  }
}

describe.skipIf(skip)("PgBouncer 1.18 with the dev stack's pgbouncer.ini in front of PostgreSQL 15", () => {
  const r = renderStack("dev");
  const rendered = configMapFile(r.get("ConfigMap", "pgbouncer-config"), "pgbouncer.ini");
  const conf = ini(rendered);
  const pgConf = configMapFile(r.get("ConfigMap", "postgres-config"), "postgresql.conf");
  const num = (k: string) => Number(conf.get(k));
  const root = mkdtempSync(join(tmpdir(), "rightsize-pgbouncer-"));
  const data = join(root, "data");
  const sock = join(root, "sock");
  let pg: Started | undefined;
  let bouncer: Started | undefined;
  let pgPort = 0;
  let port = 0;
  const superuser = (sql: string) => run(TOOLS.psql.bin, ["-h", sock, "-p", String(pgPort), "-U", "postgres", "-d", "postgres", "-At", "-X", "-c", sql]);
  const viaPooler = (sql: string, password = PASSWORD) =>
    run(TOOLS.psql.bin, ["-h", "127.0.0.1", "-p", String(port), "-U", USER, "-d", "app", "-At", "-X", "-c", sql], { env: { ...process.env, PGPASSWORD: password } });
  const serverConnections = () => Number(superuser(`SELECT count(*) FROM pg_stat_activity WHERE usename = '${USER}' AND backend_type = 'client backend'`).stdout.trim());

  beforeAll(async () => {
    run("mkdir", ["-p", data, sock]);
    const pgConfPath = join(root, "postgresql.conf");
    writeFileSync(pgConfPath, pgConf);
    // Password auth over TCP, as in the pod (the image's pg_hba uses scram-sha-256 for host connections).
    writeFileSync(join(root, "pg_hba.conf"), "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
    writeFileSync(join(root, "userlist.txt"), userlistLine(USER, PASSWORD));
    const owner = () => [Number(run("id", ["-u", "postgres"]).stdout), Number(run("id", ["-g", "postgres"]).stdout)] as const;
    if (isRoot) for (const p of [root, data, sock, pgConfPath, join(root, "pg_hba.conf"), join(root, "userlist.txt")]) chownSync(p, ...owner());
    const init = run(...asUser(TOOLS.initdb.bin, ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]));
    expect(init.code, init.stderr).toBe(0);
    pg = await startOnFreePort(async (p) => {
      const s = start(...asUser(TOOLS.postgres.bin, ["-D", data, "-c", `config_file=${pgConfPath}`, "-c", `hba_file=${join(root, "pg_hba.conf")}`, "-c", "listen_addresses=127.0.0.1", "-c", `port=${p}`, "-c", `unix_socket_directories=${sock}`]));
      pgPort = p;
      await waitFor(() => `postgres to accept connections (${s.output()})`, 60, () => {
        if (s.proc.exitCode !== null) throw new Error(`postgres exited: ${s.output()}`);
        return superuser("SELECT 1").stdout.trim() === "1" ? true : undefined;
      });
      return s;
    });
    for (const sql of [`CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}'`, `CREATE DATABASE app OWNER ${USER}`]) expect(superuser(sql).code).toBe(0);
    // The rendered file, with only the plumbing moved to this sandbox: Postgres' address, the listen port and
    // the auth_file path (the pod mounts the Secret's userlist.txt there).
    bouncer = await startOnFreePort(async (p) => {
      const text = rendered
        .replace(/^app = host=postgres port=5432 /m, `app = host=127.0.0.1 port=${pgPort} `)
        .replace(/^listen_addr = .*$/m, "listen_addr = 127.0.0.1")
        .replace(/^listen_port = .*$/m, `listen_port = ${p}`)
        .replace(/^auth_file = .*$/m, `auth_file = ${join(root, "userlist.txt")}`);
      const path = join(root, `pgbouncer-${p}.ini`);
      writeFileSync(path, text);
      if (isRoot) chownSync(path, ...owner());
      const s = start(...asUser(TOOLS.pgbouncer.bin, [path]));
      port = p;
      await waitFor(() => `pgbouncer to accept connections (${s.output()})`, 30, () => {
        if (s.proc.exitCode !== null) throw new Error(`pgbouncer exited: ${s.output()}`);
        return viaPooler("SELECT 1").stdout.trim() === "1" ? true : undefined;
      });
      return s;
    });
  });
  afterAll(async () => {
    if (bouncer) await stop(bouncer);
    if (pg) await stop(pg);
    await stopAll();
  });

  it("renders transaction pooling with the derived numbers", () => {
    expect(conf.get("pool_mode")).toBe("transaction");
    expect(num("max_client_conn")).toBe(74);
    expect(num("default_pool_size") + num("reserve_pool_size")).toBe(num("max_db_connections"));
    expect(ini(pgConf).get("max_connections")).toBe("45");
  });

  it("accepts the file: it runs, and its console reports the rendered settings", () => {
    expect(bouncer!.output()).not.toMatch(/FATAL|ERROR/);
    // SHOW CONFIG is on the admin console (database pgbouncer), which stats_users may read.
    const console = run(TOOLS.psql.bin, ["-h", "127.0.0.1", "-p", String(port), "-U", USER, "-d", "pgbouncer", "-At", "-X", "-F", "\t", "-c", "SHOW CONFIG"], { env: { ...process.env, PGPASSWORD: PASSWORD } });
    expect(console.code, console.stderr).toBe(0);
    const values = new Map(console.stdout.trim().split("\n").map((l) => l.split("\t") as [string, string]));
    for (const k of ["max_client_conn", "default_pool_size", "reserve_pool_size", "max_db_connections", "server_idle_timeout", "pool_mode", "auth_type"]) {
      expect(values.get(k), k).toBe(conf.get(k));
    }
  });

  it("authenticates with SCRAM against the userlist line, and refuses a wrong password", () => {
    expect(viaPooler("SELECT current_user").stdout.trim()).toBe(USER);
    const wrong = viaPooler("SELECT 1", "not-the-password");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/SASL authentication failed/);
  });

  it("holds max_client_conn clients at once, each running queries, on at most max_db_connections server connections", async () => {
    const clients = num("max_client_conn");
    const script = join(root, "sleep.sql");
    writeFileSync(script, "SELECT pg_sleep(0.05);\n");
    // pgbench opens every connection first and reports how many transactions each ran.
    const bench = start(TOOLS.pgbench.bin, ["-h", "127.0.0.1", "-p", String(port), "-U", USER, "-n", "-c", String(clients), "-j", "2", "-T", "8", "-f", script, "app"], {
      env: { ...process.env, PGPASSWORD: PASSWORD },
    });
    let peak = 0;
    while (bench.proc.exitCode === null) {
      peak = Math.max(peak, serverConnections());
      await new Promise((res) => setTimeout(res, 200));
    }
    const out = bench.output();
    expect(bench.proc.exitCode, out).toBe(0);
    expect(out).toMatch(new RegExp(`number of clients: ${clients}\\b`));
    expect(Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? "-1")).toBe(0);
    expect(Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? "0")).toBeGreaterThanOrEqual(clients);
    console.log(`pgbouncer: ${clients} clients, Postgres saw at most ${peak} server connections (max_db_connections ${num("max_db_connections")}); ${/tps = [\d.]+/.exec(out)?.[0]}`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(num("max_db_connections"));
  });

  it("refuses one client more than max_client_conn", async () => {
    const clients = num("max_client_conn");
    const held = Array.from({ length: clients }, () => new Session(port));
    try {
      await Promise.all(held.map((s) => s.sql("SELECT 1")));
      const extra = viaPooler("SELECT 1");
      expect(extra.code).not.toBe(0);
      expect(extra.stderr).toMatch(/no more connections allowed \(max_client_conn\)/);
    } finally {
      for (const s of held) s.close();
    }
  });

  it("breaks session SET: a client's setting leaks to another client and is gone for its own next statement", async () => {
    const a = new Session(port);
    const b = new Session(port);
    try {
      // Idle servers are reused last-in first-out (server_round_robin = 0): B's transaction gets the server A set.
      expect(await a.sql("SET statement_timeout = '4321ms'")).toBe("");
      await b.sql("BEGIN");
      expect(await b.sql("SHOW statement_timeout")).toBe("4321ms");
      // A's next statement runs on another server, where its SET never happened.
      expect(await a.sql("SHOW statement_timeout")).toBe("0");
      await b.sql("COMMIT");
    } finally {
      a.close();
      b.close();
    }
  });

  // Last: it stops this PgBouncer, as a pod's termination does.
  it("drains on termination: the rendered preStop lets a running transaction commit before the kubelet's SIGTERM", async () => {
    const d = r.get("Deployment", "pgbouncer");
    const hook: string[] = d.spec.template.spec.containers[0].lifecycle.preStop.exec.command;
    expect(hook.slice(0, 2)).toEqual(["sh", "-c"]);
    // PID 1 in the pod is PgBouncer; here it is the pgbouncer process serving this port. The drain sleep is
    // shortened: it only waits for the Service to stop routing, which this sandbox has no part of.
    const pid = run("pgrep", ["-f", `^${TOOLS.pgbouncer.bin} .*pgbouncer-${port}\\.ini$`]).stdout.trim();
    expect(pid, "the pgbouncer process").toMatch(/^\d+$/);
    const script = hook[2]!.replace(/^sleep \d+;/, "sleep 1;").replace(/kill (-INT|-0) 1\b/g, `kill $1 ${pid}`);
    expect(viaPooler("CREATE TABLE drained (x int)").code).toBe(0);
    const s = new Session(port);
    try {
      await s.sql("BEGIN");
      await s.sql("INSERT INTO drained VALUES (1)");
      // One line, so psql sends COMMIT as soon as pg_sleep returns, while the hook is waiting.
      const finishing = s.sql("SELECT pg_sleep(4); COMMIT");
      await waitFor(() => "the transaction's pg_sleep to be running", 10, () =>
        superuser(`SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(4)%'`).stdout.trim() === "1" ? true : undefined,
      );
      const preStop = start("sh", ["-c", script]);
      const code = await new Promise<number | null>((res) => preStop.proc.once("exit", (c) => res(c)));
      // The kubelet's SIGTERM once the hook returns: PgBouncer 1.18's immediate shutdown, if it still runs.
      run("kill", ["-TERM", pid]);
      expect(code, preStop.output()).toBe(0);
      // A dropped connection would print "server closed the connection unexpectedly" here.
      expect(await finishing).toBe("");
      const rows = run(TOOLS.psql.bin, ["-h", sock, "-p", String(pgPort), "-U", "postgres", "-d", "app", "-At", "-X", "-c", "SELECT count(*) FROM drained"]);
      expect(rows.stdout.trim()).toBe("1");
    } finally {
      s.close();
    }
  });
});
