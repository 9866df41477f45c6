// Redis in its memory limit, loaded the way its role writes (components/redis/tuning.ts):
// - broker (noeviction, AOF): bursts of 1 kB LPUSHes to a few queues, as Celery sends tasks, up to the
//   cap (Redis then refuses writes), a consumer popping meanwhile, while BGREWRITEAOF forks again and again;
// - cache and shared: 1 kB SETs of random keys over a keyspace 1.5 x what fits, so every write overwrites
//   or evicts, and, when persistent, BGREWRITEAOF/BGSAVE fork meanwhile.
// Healthy: it answers PING throughout, the same process runs at the end, no fork failed, and a broker
// evicted nothing. The copy-on-write of each fork is reported (INFO persistence).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requirepassLine } from "../../components/redis/tuning";
import { type Harness, sleep, stopwatch } from "./harness";
import { run, start, type Started, stop, TOOLS, waitFor } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";

const PASSWORD = "limits-test-password";
const VALUE = "x".repeat(1024);

export interface RedisLoadOptions {
  /** How long the writers run once the cap is reached, while forks repeat (seconds). */
  readonly seconds?: number;
  /** The redis.conf to run instead of the rendered one (a seed's numbers, bypassing the config checks). */
  readonly conf?: string;
}

function info(sock: string): Record<string, string> {
  const r = run(TOOLS.redisCli.bin, ["-s", sock, "INFO", "everything"], { env: { REDISCLI_AUTH: PASSWORD } });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

const cli = (sock: string, ...args: string[]) => run(TOOLS.redisCli.bin, ["-s", sock, ...args], { env: { REDISCLI_AUTH: PASSWORD } });

function bench(sock: string, clients: number, command: string[], keyspace: number): Started {
  // -n large: the load ends when the test stops it; -P pipelines like a busy app; errors (OOM at the cap) are expected.
  return start(TOOLS.redisBenchmark.bin, ["-s", sock, "-a", PASSWORD, "-c", String(clients), "-P", "16", "-n", "100000000", "-r", String(keyspace), "-q", ...command]);
}

export async function redisLoad(h: Harness, w: RenderedWorkload, opts: RedisLoadOptions = {}): Promise<WorkloadReport> {
  const conf = opts.conf ?? w.file(`${w.name}-config`, "redis.conf");
  const dir = h.scratch(w.name);
  const sock = join(dir, "redis.sock");
  writeFileSync(join(dir, "auth.conf"), requirepassLine(PASSWORD));
  // Only the data folder, the Secret's auth.conf and the listener change; the tuning is as rendered.
  writeFileSync(join(dir, "redis.conf"), conf.replace(/^dir .*$/m, `dir ${dir}`).replace(/^include .*auth\.conf$/m, `include ${join(dir, "auth.conf")}`));
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  const server = start(...g.wrap(TOOLS.redisServer.bin, [join(dir, "redis.conf"), "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700"]));
  await waitFor(() => `redis-server (${server.output().slice(-500)})`, 30, () => (cli(sock, "PING").stdout.trim() === "PONG" ? true : undefined));
  const first = info(sock);
  const maxmemory = Number(first.maxmemory);
  const policy = first.maxmemory_policy!;
  const aof = first.aof_enabled === "1";
  const save = cli(sock, "CONFIG", "GET", "save").stdout.split("\n")[1]?.trim() ?? "";
  const broker = policy === "noeviction";
  const keyspace = Math.ceil((1.5 * maxmemory) / 1100);
  const clock = stopwatch();
  const problems: string[] = [];
  const writers: Started[] = broker
    ? [bench(sock, 4, ["LPUSH", "celery:__rand_int__", VALUE], 4), bench(sock, 1, ["RPOP", "celery:__rand_int__"], 4)]
    : [bench(sock, 4, ["SET", "key:__rand_int__", VALUE, "EX", "3600"], keyspace), bench(sock, 4, ["SET", "key:__rand_int__", VALUE, "EX", "3600"], keyspace)];
  let forks = 0;
  let maxCow = 0;
  let pingFailures = 0;
  let fragmentation = 0;
  try {
    // Fill to the cap: used_memory at maxmemory (a broker then refuses pushes; a cache evicts).
    await waitFor("Redis to reach maxmemory", 120, () => {
      if (server.proc.exitCode !== null || server.proc.signalCode !== null) throw new Error(`redis-server exited (${server.proc.signalCode ?? server.proc.exitCode})`);
      const i = info(sock);
      return Number(i.used_memory) >= 0.97 * maxmemory || Number(i.evicted_keys) > 0 ? true : undefined;
    }).catch((e: Error) => problems.push(e.message));
    const until = Date.now() + (opts.seconds ?? 15) * 1000;
    while (problems.length === 0 && Date.now() < until) {
      if (server.proc.exitCode !== null || server.proc.signalCode !== null) break;
      const i = info(sock);
      // At the cap: what fragmentation adds to the dataset while it is full (not after the load drains it).
      if (Number(i.used_memory) >= 0.9 * maxmemory) fragmentation = Math.max(fragmentation, Number(i.mem_fragmentation_ratio ?? 0));
      if (i.aof_rewrite_in_progress === "0" && i.rdb_bgsave_in_progress === "0") {
        maxCow = Math.max(maxCow, Number(i.aof_last_cow_size ?? 0), Number(i.rdb_last_cow_size ?? 0));
        if (aof) cli(sock, "BGREWRITEAOF");
        else if (save !== "") cli(sock, "BGSAVE");
        if (aof || save !== "") forks++;
      }
      if (cli(sock, "PING").stdout.trim() !== "PONG") pingFailures++;
      await sleep(250);
    }
    // Let the last fork finish, so its status and copy-on-write are known.
    await waitFor("the last fork to finish", 120, () => {
      const i = info(sock);
      return i.aof_rewrite_in_progress !== "1" && i.rdb_bgsave_in_progress !== "1" ? true : undefined;
    }).catch(() => undefined);
  } finally {
    for (const wr of writers) await stop(wr, "SIGKILL");
  }
  const end = info(sock);
  maxCow = Math.max(maxCow, Number(end.aof_last_cow_size ?? 0), Number(end.rdb_last_cow_size ?? 0));
  const alive = server.proc.exitCode === null && server.proc.signalCode === null && cli(sock, "PING").stdout.trim() === "PONG";
  if (!alive) problems.push(`redis-server died (${server.proc.signalCode ?? server.proc.exitCode ?? "no answer"})`);
  if (pingFailures > 0) problems.push(`${pingFailures} PINGs unanswered under load`);
  if (alive && end.run_id !== first.run_id) problems.push("redis-server restarted");
  if (aof && end.aof_last_bgrewrite_status !== "ok") problems.push(`the AOF rewrite failed (aof_last_bgrewrite_status ${end.aof_last_bgrewrite_status})`);
  if (save !== "" && end.rdb_last_bgsave_status !== "ok") problems.push(`the RDB save failed (rdb_last_bgsave_status ${end.rdb_last_bgsave_status})`);
  if (broker && Number(end.evicted_keys) > 0) problems.push(`the broker evicted ${end.evicted_keys} keys`);
  const seconds = clock();
  const oomKills = g.oomKills();
  await stop(server);
  await g.destroy();
  const pattern = broker ? "LPUSH of 1 kB tasks to 4 queues up to the cap (4 clients) while 1 client pops" : `SET of 1 kB values with a TTL to random keys over ${keyspace} keys (2 x 4 clients)`;
  const forking = aof ? "BGREWRITEAOF repeated" : save !== "" ? "BGSAVE repeated" : "no persistence, no fork";
  return {
    ...base(w),
    settings: { maxmemory, "maxmemory-policy": policy, appendonly: aof ? "yes" : "no", save },
    load: `${pattern}, ${opts.seconds ?? 15} s at the cap, ${forking}`,
    seconds,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured: {
      forks,
      max_cow_bytes: maxCow,
      used_memory_peak: Number(end.used_memory_peak ?? 0),
      evicted_keys: Number(end.evicted_keys ?? 0),
      mem_fragmentation_ratio_at_cap: fragmentation,
    },
  };
}
