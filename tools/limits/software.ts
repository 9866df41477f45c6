// The real software the limits test and the real-software checks start: where Debian puts each binary and
// which package provides it, child processes that are always stopped, free loopback ports, and polling
// without fixed sleeps. Shared by tools/limits and test/real.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Debian's own python3: the python3 first on PATH may be a separate install without Debian's modules. */
export const PYTHON = "/usr/bin/python3";

export interface Tool {
  /** Absolute path of the binary. */
  readonly bin: string;
  /** The Debian package that provides it. */
  readonly pkg: string;
}

export const TOOLS = {
  postgres: { bin: "/usr/lib/postgresql/15/bin/postgres", pkg: "postgresql" },
  initdb: { bin: "/usr/lib/postgresql/15/bin/initdb", pkg: "postgresql" },
  psql: { bin: "/usr/bin/psql", pkg: "postgresql-client" },
  pgbench: { bin: "/usr/lib/postgresql/15/bin/pgbench", pkg: "postgresql-client" },
  redisBenchmark: { bin: "/usr/bin/redis-benchmark", pkg: "redis-tools" },
  pgbouncer: { bin: "/usr/sbin/pgbouncer", pkg: "pgbouncer" },
  redisServer: { bin: "/usr/bin/redis-server", pkg: "redis-server" },
  redisCli: { bin: "/usr/bin/redis-cli", pkg: "redis-tools" },
  gunicorn: { bin: "/usr/bin/gunicorn", pkg: "gunicorn" },
  python: { bin: PYTHON, pkg: "python3" },
  chromium: { bin: "/usr/lib/chromium/chromium", pkg: "chromium" },
  prometheus: { bin: "/usr/bin/prometheus", pkg: "prometheus" },
  promtool: { bin: "/usr/bin/promtool", pkg: "prometheus" },
} as const satisfies Record<string, Tool>;

/** Python modules from Debian packages, checked by importing them with Debian's python3. */
export function missingPythonModules(mods: Record<string, string>): string[] {
  if (!existsSync(PYTHON)) return Object.values(mods);
  return Object.entries(mods)
    .filter(([mod]) => spawnSync(PYTHON, ["-c", `import ${mod}`]).status !== 0)
    .map(([, pkg]) => pkg);
}

/**
 * The packages missing for a suite. Under CI the suite fails on them; on a laptop it is skipped with a
 * message that says what to install. It never skips silently.
 */
export function missingPackages(tools: readonly Tool[], pythonModules: Record<string, string> = {}): string[] {
  const pkgs = tools.filter((t) => !existsSync(t.bin)).map((t) => t.pkg);
  return [...new Set([...pkgs, ...missingPythonModules(pythonModules)])];
}

/**
 * A loopback port nothing listens on at this moment, for a client that must find the port closed. Never
 * bind it afterwards: another process may take it first. A server listens on port 0 and reports its
 * port, or is started through startOnFreePort.
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server that must be told its port (redis-server, prometheus cannot report one they chose):
 * on a port that was free a moment ago, again on another one if the server could not have it (it exited
 * before it was up: another process bound the port in between).
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start(await unusedPort());
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

/** Thrown by a waitFor check when waiting longer cannot help (the process waited for has exited). */
export class StopWaiting extends Error {}

/** Polls until `check` returns a value or the deadline passes (the deadline is the probe's own budget). */
export async function waitFor<T>(what: string | (() => string), seconds: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${typeof what === "function" ? what() : what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const children = new Set<ChildProcess>();

export interface Started {
  proc: ChildProcess;
  output(): string;
}

/** Starts a long-running process; every one is killed when the test file ends. */
export function start(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.on("data", (d) => (out += String(d)));
  proc.stderr?.on("data", (d) => (out += String(d)));
  children.add(proc);
  proc.on("exit", () => children.delete(proc));
  return { proc, output: () => out };
}

export async function stop(s: Started, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  const exited = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill(signal);
  const timer = setTimeout(() => s.proc.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stop({ proc: c, output: () => "" })));
}

/** Child PIDs of a process, from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** run() without blocking the event loop, so samplers keep sampling while it waits. */
export function runAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"], timeout: opts.timeoutMs ?? 60_000 });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += String(d)));
    p.stderr.on("data", (d) => (stderr += String(d)));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
