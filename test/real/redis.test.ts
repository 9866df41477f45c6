// Every rendered redis.conf, started by Debian's redis-server on a unix socket (port 0): CONFIG GET
// of each directive equals what was rendered, and requirepass is enforced.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requirepassLine } from "../../components/redis/tuning";
import { configMapFile, missingPackages, renderStack, reportMissing, run, start, stop, stopAll, TOOLS, waitFor } from "./support";

const skip = reportMissing("Redis checks", missingPackages([TOOLS.redisServer, TOOLS.redisCli]));

/** Directives the sandbox replaces to run beside anything else on the machine. */
const SANDBOX = new Set(["bind", "port", "dir", "include"]);
// A password with the characters that break naive quoting.
const PASSWORD = `s3cret "quoted" back\\slash $dollar`;

/** `directive args` lines of a redis.conf. */
export function directives(conf: string): [string, string][] {
  return conf
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const at = l.indexOf(" ");
      return [l.slice(0, at), l.slice(at + 1)] as [string, string];
    });
}

const MEMORY: Record<string, number> = { k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** A rendered value as CONFIG GET reports it: memory units to bytes, quotes removed. */
export function expected(name: string, value: string): string {
  const unquoted = value.replace(/^"(.*)"$/, "$1");
  const mem = /^(\d+)(k|kb|m|mb|g|gb)$/i.exec(unquoted);
  if (mem && name !== "save") return String(Number(mem[1]) * MEMORY[mem[2]!.toLowerCase()]!);
  return unquoted;
}

function instances(stack: string): string[] {
  return renderStack(stack)
    .objects.filter((o) => o.kind === "ConfigMap" && /^redis-.*-config$/.test(o.metadata?.name ?? ""))
    .map((o) => o.metadata!.name!.replace(/-config$/, ""));
}

describe.skipIf(skip).each(["dev", "prod"].flatMap((s) => instances(s).map((i) => [s, i])))("redis-server with the %s stack's %s", (stack, instance) => {
  const conf = configMapFile(renderStack(stack).get("ConfigMap", `${instance}-config`), "redis.conf");
  const root = mkdtempSync(join(tmpdir(), "rightsize-redis-"));
  const sock = join(root, "redis.sock");
  const cli = (args: string[], auth = true) =>
    run(TOOLS.redisCli.bin, ["-s", sock, ...args], { env: auth ? { REDISCLI_AUTH: PASSWORD } : { REDISCLI_AUTH: "" } });
  let server: ReturnType<typeof start> | undefined;

  beforeAll(async () => {
    const auth = join(root, "auth.conf");
    writeFileSync(auth, requirepassLine(PASSWORD));
    // The rendered file as is, but for where it keeps data and where it finds the Secret's auth.conf.
    const sandboxed = conf.replace(/^dir .*$/m, `dir ${root}`).replace(/^include .*auth\.conf$/m, `include ${auth}`);
    const path = join(root, "redis.conf");
    writeFileSync(path, sandboxed);
    server = start(TOOLS.redisServer.bin, [path, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700"]);
    await waitFor(() => `redis-server (${server?.output()})`, 30, () => (cli(["PING"]).stdout.trim() === "PONG" ? true : undefined));
  });
  afterAll(async () => {
    if (server) await stop(server);
    await stopAll();
  });

  it("reads back every directive with CONFIG GET", () => {
    const ds = directives(conf).filter(([n]) => !SANDBOX.has(n));
    expect(ds.map(([n]) => n)).toEqual(expect.arrayContaining(["maxmemory", "maxmemory-policy"]));
    const mismatches: string[] = [];
    for (const [name, value] of ds) {
      const r = cli(["CONFIG", "GET", name]);
      expect(r.code, r.stderr).toBe(0);
      const [key, got] = r.stdout.split("\n");
      expect(key).toBe(name);
      if (got !== expected(name, value)) mismatches.push(`${name}: rendered ${value}, redis reports ${JSON.stringify(got)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("enforces requirepass", () => {
    expect(cli(["PING"], false).stdout).toContain("NOAUTH");
    expect(cli(["PING"]).stdout.trim()).toBe("PONG");
  });

  it("matches the tuning the StatefulSet records", () => {
    const sts = renderStack(stack).get("StatefulSet", instance);
    const tuning = JSON.parse(sts.metadata!.annotations!["rightsize.io/tuning"]!);
    const [, policy] = cli(["CONFIG", "GET", "maxmemory-policy"]).stdout.split("\n");
    expect(policy).toBe(tuning["maxmemory-policy"]);
    const [, maxmemory] = cli(["CONFIG", "GET", "maxmemory"]).stdout.split("\n");
    expect(Number(maxmemory)).toBe(tuning.maxmemory);
    if (sts.metadata!.annotations!["rightsize.io/role"] === "broker") expect(policy).toBe("noeviction");
  });
});
