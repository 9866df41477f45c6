// The rendered Celery settings module, loaded by Debian's Celery 5.2 worker against a Redis started from
// the rendered broker config: one task runs, `celery inspect conf` reports the rendered settings, every
// setting name is one Celery knows, and the heartbeat/ready-file probes answer as the pod's probes would.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CelerySandbox, celerySandbox } from "./celery-sandbox";
import { missingPackages, PYTHON, renderStack, reportMissing, run, start, stop, stopAll, TOOLS, waitFor } from "./support";

const skip = reportMissing("Celery checks", missingPackages([TOOLS.python, TOOLS.redisServer], { celery: "python3-celery", redis: "python3-redis" }));
const PASSWORD = "celery-check-password/with:url@chars";
const NODE = "fixture@rightsize-check";

describe.skipIf(skip)("Celery with the dev stack's settings module", () => {
  const r = renderStack("dev");
  const worker = r.get("Deployment", "celery-worker-default");
  const container = worker.spec.template.spec.containers[0];
  const tuning = JSON.parse(worker.metadata!.annotations!["rightsize.io/tuning"]!);
  const pool = container.env.find((e: { name: string }) => e.name === "RIGHTSIZE_CELERY_POOL").value as string;
  let sb: CelerySandbox;
  let root = "";
  let pkg = "";
  let celery: ReturnType<typeof start> | undefined;
  const env = () => sb.env(pool);
  const probe = (cmd: string[]) => {
    // The pod's own probe command, with the module's mount path mapped to this sandbox.
    const args = cmd.slice(1).map((a) => a.replace("/etc/rightsize/celery", pkg));
    return run(PYTHON, args, { env: env() });
  };

  beforeAll(async () => {
    // Only connection plumbing changes: where the broker listens and where the state files go.
    sb = await celerySandbox(r, PASSWORD);
    ({ root, pkg } = sb);
    // The pod's command, with the fixture app in place of the user's and a fixed node name.
    const cmd: string[] = container.command;
    const args = cmd.slice(1).map((a, i, all) => (all[i - 1] === "--app" ? "tasks:app" : all[i - 1] === "--hostname" ? NODE : a));
    celery = start(PYTHON, ["-m", "celery", ...args], { cwd: root, env: env() });
    const startup = container.startupProbe;
    await waitFor(() => `the worker's readiness file (${celery?.output().slice(-2000)})`, startup.periodSeconds * startup.failureThreshold, () =>
      probe(container.readinessProbe.exec.command).code === 0 ? true : undefined,
    );
  });
  afterAll(async () => {
    if (celery) await stop(celery);
    if (sb) await stop(sb.redis);
    await stopAll();
  });

  it("uses only setting names Celery knows", () => {
    const names = run(PYTHON, ["-c", "from celery.app.defaults import NAMESPACES, flatten\nfor k, _ in flatten(NAMESPACES): print(k)"]);
    expect(names.code, names.stderr).toBe(0);
    const known = new Set(names.stdout.trim().split("\n"));
    const module = readFileSync(join(pkg, "rightsize_celeryconfig.py"), "utf8");
    const top = [...module.matchAll(/^([a-z][a-z0-9_]*) = /gm)].map((m) => m[1]!);
    const perPool = [...module.matchAll(/^\s+"([a-z][a-z0-9_]*)": (?!\{)/gm)].map((m) => m[1]!);
    expect(top.length + perPool.length).toBeGreaterThan(8);
    expect([...top, ...perPool].filter((n) => !known.has(n))).toEqual([]);
  });

  it("runs a task", async () => {
    const marker = join(root, "task-ran");
    const send = run(PYTHON, ["-c", `from tasks import touch; touch.delay(${JSON.stringify(marker)})`], { cwd: root, env: env() });
    expect(send.code, send.stderr).toBe(0);
    await waitFor("the task's file", 30, () => (existsSync(marker) ? true : undefined));
  });

  it("celery inspect conf reports the rendered settings", () => {
    const r2 = run(PYTHON, ["-m", "celery", "-A", "tasks:app", "inspect", "conf", "-d", NODE, "--json", "--timeout", "10"], { cwd: root, env: env() });
    expect(r2.code, r2.stderr + r2.stdout).toBe(0);
    const conf = JSON.parse(r2.stdout)[NODE];
    expect(conf.worker_concurrency).toBe(tuning.worker_concurrency);
    expect(conf.worker_prefetch_multiplier).toBe(tuning.worker_prefetch_multiplier);
    expect(conf.worker_max_memory_per_child).toBe(tuning.worker_max_memory_per_child);
    expect(conf.task_acks_late).toBe(true);
    expect(conf.task_reject_on_worker_lost).toBe(true);
    expect(conf.task_time_limit).toBe(tuning.task_time_limit);
    expect(conf.task_soft_time_limit).toBe(tuning.task_soft_time_limit);
    expect(conf.broker_transport_options.visibility_timeout).toBe(tuning.visibility_timeout);
  });

  it("runs the rendered number of pool processes", async () => {
    const ps = run("ps", ["-eo", "ppid,pid,args"]);
    const main = celery!.proc.pid!;
    const children = ps.stdout.split("\n").filter((l) => l.trim().split(/\s+/)[0] === String(main));
    expect(children).toHaveLength(tuning.worker_concurrency);
  });

  it("passes its liveness probe on a fresh heartbeat, and fails readiness and a stale liveness once stopped", async () => {
    const liveness: string[] = container.livenessProbe.exec.command;
    expect(probe(liveness).code).toBe(0);
    await stop(celery!);
    expect(probe(container.readinessProbe.exec.command).code).toBe(1);
    // With the broker answering, a heartbeat older than the limit (1 s here) means a stuck worker: the
    // stopped worker's last heartbeat ages past it within a few seconds.
    const stale = await waitFor("the liveness probe to call the heartbeat stale", 15, () => {
      const p = probe([...liveness.slice(0, -1), "1"]);
      return p.code === 1 ? p : undefined;
    });
    expect(stale.stdout).toContain("the worker is stuck");
  });
});
