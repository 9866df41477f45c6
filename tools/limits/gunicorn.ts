// gunicorn in the web pod's memory limit with the rendered gunicorn.conf.py and a Flask app whose
// workers each grow to the per-worker memory the stack declares (gunicorn.workerMemory: the user's app's
// number, not measured here), under concurrent requests, for enough requests that every worker is
// recycled by max_requests at least once (a new worker grows again beside the others).
// Healthy: every request answered 200, no worker was killed, the master is the same process at the end.
import { join } from "node:path";
import { type Harness, stopwatch } from "./harness";
import { start, startOnFreePort, type Started, stop, StopWaiting, TOOLS, waitFor } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";

export const FIXTURES = join(__dirname, "fixtures");

function setting(conf: string, name: string): string {
  const m = new RegExp(`^${name} = (.*)$`, "m").exec(conf);
  if (!m) throw new Error(`gunicorn.conf.py has no ${name}`);
  return m[1]!.trim();
}

export async function gunicornLoad(h: Harness, w: RenderedWorkload, opts: { workerMemory?: number } = {}): Promise<WorkloadReport> {
  const conf = w.file(`${w.name}-gunicorn`, "gunicorn.conf.py");
  const workers = Number(setting(conf, "workers"));
  const maxRequests = Number(setting(conf, "max_requests"));
  const jitter = Number(setting(conf, "max_requests_jitter"));
  const workerMemory = opts.workerMemory ?? w.usage?.perUnit ?? 0;
  if (!workerMemory) throw new Error(`${w.name}: no per-worker memory declared (gunicorn.workerMemory)`);
  const dir = h.scratch(w.name);
  const confPath = join(dir, "gunicorn.conf.py");
  (await import("node:fs")).writeFileSync(confPath, conf);
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  // The rendered file as is; the command line moves the listener to loopback and names the fixture app.
  // gunicorn is told its port: startOnFreePort tries another one if it exits before answering (port taken).
  const { server, url } = await startOnFreePort(async (port): Promise<{ server: Started; url: string }> => {
    const server = start(...g.wrap(TOOLS.gunicorn.bin, ["-c", confPath, "--bind", `127.0.0.1:${port}`, "--access-logfile", "/dev/null", "limits_app:app"]), {
      cwd: FIXTURES,
      env: { RIGHTSIZE_WORKER_MEMORY: String(workerMemory), PYTHONDONTWRITEBYTECODE: "1" },
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitFor(() => `gunicorn on ${url} (${server.output().slice(-1000)})`, 60, async () => {
        if (server.proc.exitCode !== null || server.proc.signalCode !== null) throw new StopWaiting(`gunicorn exited ${server.proc.exitCode ?? server.proc.signalCode}: ${server.output().slice(-500)}`);
        return (await fetch(`${url}/api/health`)).ok ? true : undefined;
      });
    } catch (e) {
      await stop(server);
      throw e;
    }
    return { server, url };
  });
  const masterPid = server.proc.pid;
  // 1.5 x the most a worker serves before max_requests recycles it: every worker recycles at least once.
  const total = Math.ceil(workers * (maxRequests + jitter) * 1.5);
  const clients = workers * 2;
  const clock = stopwatch();
  const problems: string[] = [];
  const pids = new Set<number>();
  let ok = 0;
  let failed = 0;
  let next = 0;
  let firstError = "";
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        next++;
        try {
          const r = await fetch(`${url}/work`, { signal: AbortSignal.timeout(60_000) });
          const body = (await r.json()) as { pid: number };
          if (r.ok) {
            ok++;
            pids.add(body.pid);
          } else failed++;
        } catch (e) {
          failed++;
          firstError ||= (e as Error).message;
        }
      }
    }),
  );
  if (failed > 0) problems.push(`${failed} of ${total} requests failed (${firstError || "non-200"})`);
  const killed = server.output().match(/Worker \(pid:\d+\) was sent SIGKILL|Perhaps out of memory/g);
  if (killed) problems.push(`${killed.length} workers killed (${killed[0]})`);
  if (server.proc.exitCode !== null || server.proc.signalCode !== null || server.proc.pid !== masterPid) problems.push(`the gunicorn master died (${server.proc.signalCode ?? server.proc.exitCode})`);
  const seconds = clock();
  const oomKills = g.oomKills();
  await stop(server);
  await g.destroy();
  return {
    ...base(w),
    settings: { workers, max_requests: maxRequests, max_requests_jitter: jitter, worker_memory_bytes: workerMemory },
    load: `${total} requests from ${clients} concurrent clients, each worker growing to ${Math.round(workerMemory / 1048576)} MiB resident, recycled by max_requests`,
    seconds,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured: { requests: total, answered: ok, worker_processes: pids.size },
  };
}
