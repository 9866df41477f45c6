// The rendered postgresql.conf, checked by Debian's PostgreSQL 15: initdb as a non-root user, `postgres -C`,
// a server on a unix socket, every setting read back with SHOW, and no errors in pg_file_settings.
import { chownSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configMapFile, missingPackages, renderStack, reportMissing, run, start, stop, stopAll, TOOLS, waitFor } from "./support";

const skip = reportMissing("PostgreSQL checks", missingPackages([TOOLS.postgres, TOOLS.initdb, TOOLS.psql]));
const isRoot = process.getuid?.() === 0;
// initdb and postgres refuse to run as root: run them as Debian's postgres user.
const asUser = (cmd: string, args: string[]): [string, string[]] => (isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);

/** Settings the sandbox must change to run beside other servers; all are connection plumbing, not tuning. */
const SANDBOX = ["listen_addresses", "unix_socket_directories"];

/** `name = value` lines of a postgresql.conf, quotes removed. */
export function settings(conf: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of conf.split("\n")) {
    const a = /^\s*([a-z_]+)\s*=\s*(.*?)\s*(#.*)?$/.exec(line);
    if (a) m.set(a[1]!, a[2]!.replace(/^'(.*)'$/, "$1"));
  }
  return m;
}

const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Postgres value in comparable form: memory and time to base units, everything else as written. */
export function normalise(v: string): string {
  const m = /^(-?\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB|ms|s|min|h|d)$/.exec(v.trim());
  if (m) return String(Number(m[1]) * UNITS[m[2]!]!);
  if (/^-?\d+(\.\d+)?$/.test(v.trim())) return String(Number(v));
  return v.trim().toLowerCase();
}

describe.skipIf(skip).each(["dev", "prod"])("PostgreSQL with the %s stack's postgresql.conf", (stack) => {
  const conf = configMapFile(renderStack(stack).get("ConfigMap", "postgres-config"), "postgresql.conf");
  const rendered = settings(conf);
  const root = mkdtempSync(join(tmpdir(), "rightsize-pg-"));
  const data = join(root, "data");
  const sock = join(root, "sock");
  const confPath = join(root, "postgresql.conf");
  const psql = (sql: string) => run(TOOLS.psql.bin, ["-h", sock, "-U", "postgres", "-d", "postgres", "-At", "-F", "\t", "-c", sql]);
  let server: ReturnType<typeof start> | undefined;

  beforeAll(async () => {
    writeFileSync(confPath, conf);
    run("mkdir", ["-p", data, sock]);
    if (isRoot) for (const p of [root, data, sock, confPath]) chownSync(p, Number(run("id", ["-u", "postgres"]).stdout), Number(run("id", ["-g", "postgres"]).stdout));
    const init = run(...asUser(TOOLS.initdb.bin, ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]));
    expect(init.code, init.stderr).toBe(0);
    server = start(...asUser(TOOLS.postgres.bin, ["-D", data, "-c", `config_file=${confPath}`, "-c", "listen_addresses=", "-c", `unix_socket_directories=${sock}`]));
    await waitFor(() => `postgres to accept connections (${server?.output()})`, 60, () => (psql("SELECT 1").stdout.trim() === "1" ? true : undefined));
  });
  afterAll(async () => {
    if (server) await stop(server);
    await stopAll();
  });

  it("renders the tuning the issue asks for", () => {
    for (const k of ["shared_buffers", "effective_cache_size", "maintenance_work_mem", "work_mem", "wal_buffers", "max_connections", "jit"]) {
      expect(rendered.has(k), k).toBe(true);
    }
  });

  it("postgres -C accepts the file and reports each setting", () => {
    for (const name of ["shared_buffers", "work_mem", "max_connections"]) {
      const r = run(...asUser(TOOLS.postgres.bin, ["-D", data, "-c", `config_file=${confPath}`, "-C", name]));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).not.toBe("");
    }
  });

  it("reads back every rendered setting with SHOW", () => {
    const names = [...rendered.keys()].filter((n) => !SANDBOX.includes(n));
    expect(names.length).toBeGreaterThan(15);
    const mismatches: string[] = [];
    for (const name of names) {
      const shown = psql(`SHOW ${name}`);
      expect(shown.code, `${name}: ${shown.stderr}`).toBe(0);
      let want = normalise(rendered.get(name)!);
      let got = normalise(shown.stdout.trim());
      // wal_buffers is kept in 8kB pages: the rendered value rounds to whole pages.
      if (name === "wal_buffers") [want, got] = [String(Math.floor(Number(want) / 8192)), String(Math.floor(Number(got) / 8192))];
      if (want !== got) mismatches.push(`${name}: rendered ${rendered.get(name)} but the server shows ${shown.stdout.trim()}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("pg_file_settings shows no errors and every line applied", () => {
    const r = psql("SELECT name, coalesce(error, ''), applied FROM pg_file_settings WHERE sourcefile = current_setting('config_file')");
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(rows.length).toBe(rendered.size);
    // The sandbox's command-line overrides win over the file, so those two lines read "could not be applied".
    expect(rows.filter(([name, error]) => error !== "" && !SANDBOX.includes(name!))).toEqual([]);
    expect(rows.filter(([name, , applied]) => applied !== "t" && !SANDBOX.includes(name!))).toEqual([]);
  });
});
