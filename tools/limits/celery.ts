// A Celery prefork worker in its memory limit with the rendered settings module, against a broker started
// from the rendered broker config (outside the group: it is another pod). The load is the worst case the
// per-child cap promises to survive: every child runs tasks that each keep `step` more memory (a leak)
// until worker_max_memory_per_child recycles it, with `step` = the reserve the derivation leaves
// (100% - MEMORY_SHARE_PERCENT of the limit) shared by the children, since a child passes its cap by up to
// one task's growth before it is replaced. A child's last task holds its peak (PEAK_HOLD_SECONDS), so all
// children stand at cap + step together. Enough tasks that every child is recycled at least twice.
// Healthy: every task ran (acks_late: none lost), and the worker's parent is the same process at the end.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MEMORY_SHARE_PERCENT } from "../../model/celery-memory";
import { startCelerySandbox } from "./celery-sandbox";
import { type Harness, stopwatch } from "./harness";
import { PYTHON, run, start, stop, waitFor } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";

export const FIXTURES = join(__dirname, "fixtures");
const PASSWORD = "limits-celery-password";
const MiB = 1024 * 1024;

export interface CeleryLoadOptions {
  /** The settings module files to run instead of the rendered ones (a seed's numbers). */
  readonly files?: Record<string, string>;
  /** Each task's growth in bytes; default the derivation's reserve per child. */
  readonly step?: number;
  /** How many tasks; default enough to recycle every child twice. */
  readonly tasks?: number;
}

/**
 * Seconds a child's last task (the one that takes it over its cap) holds that peak before the child is
 * recycled: longer than the others take to reach theirs (about cap / step tasks of 0.1 s each), so every
 * child is at its peak at once.
 */
export const PEAK_HOLD_SECONDS = 3;

/** The value of a `"name": value` line of the pool's settings in the rendered module. */
function poolSetting(module: string, name: string): number {
  const m = new RegExp(`"${name}": (\\d+)`).exec(module);
  if (!m) throw new Error(`the Celery settings module has no ${name}`);
  return Number(m[1]);
}

export async function celeryLoad(h: Harness, w: RenderedWorkload, opts: CeleryLoadOptions = {}): Promise<WorkloadReport> {
  const files = opts.files ?? w.files("celery-config");
  const module = files["rightsize_celeryconfig.py"] ?? "";
  const concurrency = poolSetting(module, "worker_concurrency");
  const capKiB = poolSetting(module, "worker_max_memory_per_child");
  const step = opts.step ?? Math.max(MiB, Math.floor(((w.memoryLimit * (100 - MEMORY_SHARE_PERCENT)) / 100 / concurrency / MiB)) * MiB);
  const perChild = Math.ceil((capKiB * 1024) / step) + 1;
  const tasks = opts.tasks ?? concurrency * perChild * 2;
  const pool = (w.container.env ?? []).find((e: { name: string }) => e.name === "RIGHTSIZE_CELERY_POOL")?.value as string;
  const sb = await startCelerySandbox(files, w.file("redis-broker-config", "redis.conf"), PASSWORD, FIXTURES, h.scratch(w.name));
  const env = sb.env(pool);
  const done = join(sb.root, "done");
  const cmd: string[] = w.container.command;
  // The pod's command, with the fixture app in place of the user's and a fixed node name.
  const args = cmd.slice(1).map((a, i, all) => (all[i - 1] === "--app" ? "limits_tasks:app" : all[i - 1] === "--hostname" ? `${pool}@limits` : a));
  const queue = args[args.indexOf("--queues") + 1]!.split(",")[0]!;
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  const worker = start(...g.wrap(PYTHON, ["-m", "celery", ...args]), { cwd: sb.root, env });
  const clock = stopwatch();
  const problems: string[] = [];
  let ran = 0;
  let children = 0;
  try {
    await waitFor(() => `the worker to be ready (${worker.output().slice(-1500)})`, 60, () => (existsSync(join(sb.state, "ready")) ? true : undefined));
    const send = run(PYTHON, ["-c", `from limits_tasks import leak\nfor i in range(${tasks}): leak.apply_async(args=[i, ${step}, ${JSON.stringify(done)}, ${capKiB}, ${PEAK_HOLD_SECONDS}], queue=${JSON.stringify(queue)})`], { cwd: sb.root, env });
    if (send.code !== 0) throw new Error(`sending tasks failed: ${send.stderr.slice(-500)}`);
    const count = () => (existsSync(done) ? new Set(readFileSync(done, "utf8").trim().split("\n").map((l) => l.split(" ")[0])).size : 0);
    // Each task takes ~0.2 s; a child's replacement a second or two. The budget is generous, the end is not waited for.
    await waitFor(() => `all ${tasks} tasks (${count()} ran)`, 30 + tasks, () => {
      if (worker.proc.exitCode !== null || worker.proc.signalCode !== null) throw new Error(`the worker exited (${worker.proc.signalCode ?? worker.proc.exitCode})`);
      return count() >= tasks ? true : undefined;
    }).catch((e: Error) => problems.push(e.message));
    ran = count();
    children = existsSync(done) ? new Set(readFileSync(done, "utf8").trim().split("\n").map((l) => l.split(" ")[1])).size : 0;
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (ran < tasks) problems.push(`${tasks - ran} of ${tasks} tasks lost`);
  const lost = worker.output().match(/WorkerLostError|Process '.*' pid:\d+ exited with 'signal 9/g);
  if (lost) problems.push(`${lost.length} child processes killed mid-task (${lost[0]})`);
  const seconds = clock();
  const oomKills = g.oomKills();
  await stop(worker);
  await g.destroy();
  await stop(sb.redis);
  return {
    ...base(w),
    settings: { worker_concurrency: concurrency, worker_max_memory_per_child: capKiB, task_acks_late: true },
    load: `${tasks} tasks on ${concurrency} prefork children, each task keeping ${Math.round(step / MiB)} MiB until the per-child cap recycles the child, each child's peak held ${PEAK_HOLD_SECONDS} s so the peaks overlap`,
    seconds,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured: { tasks, ran, child_processes: children, step_bytes: step },
  };
}
