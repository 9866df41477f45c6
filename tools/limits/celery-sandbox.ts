// A sandbox for running Debian's Celery against a rendered stack: the rendered settings module in a
// package folder (only the broker's address and the state folder changed), and a redis-server started
// from the rendered broker config with a password of the caller's choosing. Shared by test/real and the
// limits test.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirepassLine } from "../../components/redis/tuning";
import { run, start, startOnFreePort, type Started, stop, StopWaiting, TOOLS, waitFor } from "./software";

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

/**
 * `celeryFiles`: the celery-config ConfigMap's data; `brokerConf`: the broker's rendered redis.conf;
 * `fixtures`: the folder of the app module the worker loads in place of the user's.
 */
export async function startCelerySandbox(celeryFiles: Record<string, string>, brokerConf: string, password: string, fixtures: string, root = mkdtempSync(join(tmpdir(), "rightsize-celery-"))): Promise<CelerySandbox> {
  const pkg = join(root, "pkg");
  const state = join(root, "state");
  mkdirSync(pkg);
  mkdirSync(state);
  writeFileSync(join(root, "auth.conf"), requirepassLine(password));
  writeFileSync(join(root, "redis.conf"), brokerConf.replace(/^dir .*$/m, `dir ${root}`).replace(/^include .*auth\.conf$/m, `include ${join(root, "auth.conf")}`));
  // redis-server is told its port: startOnFreePort tries another one if it exits before answering (port taken).
  const { port, redis } = await startOnFreePort(async (port) => {
    const redis = start(TOOLS.redisServer.bin, [join(root, "redis.conf"), "--port", String(port), "--bind", "127.0.0.1"]);
    try {
      await waitFor(() => `redis-server on port ${port} (${redis.output().slice(-500)})`, 30, () => {
        if (redis.proc.exitCode !== null || redis.proc.signalCode !== null) throw new StopWaiting(`redis-server exited ${redis.proc.exitCode ?? redis.proc.signalCode}: ${redis.output().slice(-500)}`);
        return run(TOOLS.redisCli.bin, ["-p", String(port), "PING"], { env: { REDISCLI_AUTH: password } }).stdout.trim() === "PONG" ? true : undefined;
      });
    } catch (e) {
      await stop(redis);
      throw e;
    }
    return { port, redis };
  });
  const cli = (...args: string[]) => run(TOOLS.redisCli.bin, ["-p", String(port), ...args], { env: { REDISCLI_AUTH: password } });
  for (const [name, text] of Object.entries(celeryFiles)) {
    writeFileSync(
      join(pkg, name),
      text
        .replaceAll("redis-broker:6379", `127.0.0.1:${port}`)
        .replace('BROKER = ("redis-broker", 6379)', `BROKER = ("127.0.0.1", ${port})`)
        .replace('STATE_DIR = "/run/celery"', `STATE_DIR = ${JSON.stringify(state)}`),
    );
  }
  const env = (pool?: string) => ({ PYTHONPATH: `${pkg}:${fixtures}`, REDIS_PASSWORD: password, PYTHONDONTWRITEBYTECODE: "1", ...(pool ? { RIGHTSIZE_CELERY_POOL: pool } : {}) });
  return { root, pkg, state, port, redis, env, cli };
}
