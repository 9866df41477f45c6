// A sandbox for running Debian's Celery against a rendered stack: the rendered settings module in a
// package folder (only the broker's address and the state folder changed), and a redis-server started
// from the rendered broker config with a password of the test's choosing.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirepassLine } from "../../components/redis/tuning";
import { configMapFile, type Rendered, run, start, startOnFreePort, type Started, stop, StopWaiting, TOOLS, waitFor } from "./support";

export const FIXTURES = join(__dirname, "fixtures");

export interface CelerySandbox {
  root: string;
  /** Where the ConfigMap's files are, on PYTHONPATH. */
  pkg: string;
  state: string;
  port: number;
  redis: Started;
  /** Environment for a Celery process: the module, the fixture app, the password and the pool. */
  env(pool?: string): NodeJS.ProcessEnv;
  /** redis-cli against the sandbox's server, authenticated. */
  cli(...args: string[]): { code: number; stdout: string; stderr: string };
}

export async function celerySandbox(r: Rendered, password: string): Promise<CelerySandbox> {
  const root = mkdtempSync(join(tmpdir(), "rightsize-celery-"));
  const pkg = join(root, "pkg");
  const state = join(root, "state");
  mkdirSync(pkg);
  mkdirSync(state);
  const { port, redis } = await startOnFreePort((p) => startBroker(root, r, password, p));
  const cm = r.get("ConfigMap", "celery-config") as { data: Record<string, string> };
  for (const [name, text] of Object.entries(cm.data)) {
    writeFileSync(
      join(pkg, name),
      text
        .replaceAll("redis-broker:6379", `127.0.0.1:${port}`)
        .replace('BROKER = ("redis-broker", 6379)', `BROKER = ("127.0.0.1", ${port})`)
        .replace('STATE_DIR = "/run/celery"', `STATE_DIR = ${JSON.stringify(state)}`),
    );
  }
  const cli = brokerCli(port, password);
  const env = (pool?: string) => ({ PYTHONPATH: `${pkg}:${FIXTURES}`, REDIS_PASSWORD: password, PYTHONDONTWRITEBYTECODE: "1", ...(pool ? { RIGHTSIZE_CELERY_POOL: pool } : {}) });
  return { root, pkg, state, port, redis, env, cli };
}

const brokerCli =
  (port: number, password: string) =>
  (...args: string[]) =>
    run(TOOLS.redisCli.bin, ["-p", String(port), ...args], { env: { REDISCLI_AUTH: password } });

/** redis-server from the rendered broker config on `port`; throws when it exits before it answers. */
async function startBroker(root: string, r: Rendered, password: string, port: number): Promise<{ port: number; redis: Started }> {
  const brokerConf = configMapFile(r.get("ConfigMap", "redis-broker-config"), "redis.conf");
  writeFileSync(join(root, "auth.conf"), requirepassLine(password));
  writeFileSync(join(root, "redis.conf"), brokerConf.replace(/^dir .*$/m, `dir ${root}`).replace(/^include .*auth\.conf$/m, `include ${join(root, "auth.conf")}`));
  const redis = start(TOOLS.redisServer.bin, [join(root, "redis.conf"), "--port", String(port), "--bind", "127.0.0.1"]);
  const cli = brokerCli(port, password);
  try {
    await waitFor("redis-server", 30, () => {
      if (redis.proc.exitCode !== null) throw new StopWaiting(`redis-server exited ${redis.proc.exitCode}: ${redis.output().slice(-500)}`);
      return cli("PING").stdout.trim() === "PONG" ? true : undefined;
    });
  } catch (e) {
    await stop(redis);
    throw e;
  }
  return { port, redis };
}
