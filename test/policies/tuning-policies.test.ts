// The mandatory rules that protect tasks and data, from the components' rightsize.io/tuning annotations.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARENT_MEMORY } from "../../model/celery-memory";
import { evaluate, messages } from "../helpers/policy";
import { baseline, changed, container, find, hpa, scaledObject, setTuning, workload } from "./fixtures";

const WORKER_TUNING = { worker_concurrency: 4, worker_max_memory_per_child: 307200, task_time_limit: 3600, visibility_timeout: 4200 };
const worker = (tuning: Record<string, unknown>) => changed("Deployment", "celery-worker", (o) => setTuning(o, tuning));

describe("rightsize-enforce-celery-memory-fit", () => {
  const only = "rightsize-enforce-celery-memory-fit";

  it("rejects 003's 6 x 400000 KiB children in a 2Gi limit, with the numbers", async () => {
    const objects = worker({ ...WORKER_TUNING, worker_concurrency: 6, worker_max_memory_per_child: 400000 });
    expect(await evaluate(objects)).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-worker",
        message:
          "Deployment celery-worker: container worker: worker_concurrency 6 x worker_max_memory_per_child 400000 KiB (2343.75Mi) + parent 100Mi " +
          "= 2443.75Mi exceeds 90% of the memory limit 2Gi (1843.20Mi) by 600.55Mi; at most 297506 KiB per child fits, " +
          "else a child's last task before it recycles gets the container OOM-killed",
      },
    ]);
  });

  it("counts the parent the component declares instead of the default", async () => {
    // 4 x 400Mi = 1600Mi fits 90% of 2Gi with the default 100Mi parent (the schema's), not with a 512Mi one.
    const fits = worker({ ...WORKER_TUNING, worker_max_memory_per_child: 409600 });
    expect(await messages(fits, only)).toEqual([]);
    expect(DEFAULT_PARENT_MEMORY).toBe(100 * 1024 * 1024);
    const heavy = worker({ ...WORKER_TUNING, worker_max_memory_per_child: 409600, rightsize_parent_memory: 512 * 1024 * 1024 });
    expect(await messages(heavy, only)).toEqual([
      "Deployment celery-worker: container worker: worker_concurrency 4 x worker_max_memory_per_child 409600 KiB (1600Mi) + parent 512Mi = 2112Mi exceeds 90% of the memory limit 2Gi (1843.20Mi) by 268.80Mi; " +
        "at most 340787 KiB per child fits, else a child's last task before it recycles gets the container OOM-killed",
    ]);
  });

  it("names each setting that is missing", async () => {
    expect(await messages(worker({ task_time_limit: 3600, visibility_timeout: 4200 }), only)).toEqual([
      "Deployment celery-worker: sets no worker_concurrency; Celery then starts one child per CPU of the node, not of the container",
      "Deployment celery-worker: sets no worker_max_memory_per_child; a child that leaks grows until the container is OOM-killed",
    ]);
  });

  it("does not apply to a pool without children", async () => {
    expect(await messages(worker({ ...WORKER_TUNING, worker_pool: "threads", worker_concurrency: 64 }), only)).toEqual([]);
  });

  it("a worker without the tuning annotation is a violation, not a pass", async () => {
    const objects = changed("Deployment", "celery-worker", (o) => delete o.metadata.annotations["rightsize.io/tuning"]);
    expect(await messages(objects, only)).toEqual(["Deployment celery-worker: has no rightsize.io/tuning annotation, so its settings cannot be checked"]);
  });
});

const PG_TUNING = { shared_buffers: "384MB", work_mem: "1373kB", maintenance_work_mem: "96MB", max_connections: 80, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 };
const pg = (tuning: Record<string, unknown>) => changed("StatefulSet", "postgres", (o) => setTuning(o, tuning));

describe("rightsize-enforce-postgres-memory-fit", () => {
  const only = "rightsize-enforce-postgres-memory-fit";

  it("passes what the component renders for 1536Mi at 80 connections", async () => {
    expect(await messages(pg(PG_TUNING), only)).toEqual([]);
  });

  it("rejects 003's work_mem 32MB at 100 connections in 1536Mi, counting each backend's own memory", async () => {
    expect(await messages(pg({ ...PG_TUNING, work_mem: "32MB", max_connections: 100 }), only)).toEqual([
      "StatefulSet postgres: container postgres: shared_buffers 384Mi + /dev/shm 128Mi + 3 x maintenance_work_mem 96Mi + (100 connections + 8 worker processes) x " +
        "(backend 3Mi + 4 x work_mem 32Mi) = 14948Mi exceeds the memory limit 1536Mi; with every connection busy the kernel kills a backend and Postgres resets them all",
    ]);
  });

  it("counts the backend memory the component declares: 4Mi a backend no longer fits", async () => {
    expect(await messages(pg({ ...PG_TUNING, rightsize_backend_memory: 4 * 1024 * 1024 }), only)).toHaveLength(1);
  });

  it("a Postgres without the tuning annotation is a violation, not a pass", async () => {
    const objects = changed("StatefulSet", "postgres", (o) => delete o.metadata.annotations["rightsize.io/tuning"]);
    expect(await messages(objects, only)).toEqual(["StatefulSet postgres: has no rightsize.io/tuning annotation, so its settings cannot be checked"]);
  });
});

describe("rightsize-enforce-visibility-timeout", () => {
  const only = "rightsize-enforce-visibility-timeout";

  it("rejects 003's task_time_limit 3600 under Redis' default visibility timeout 3600", async () => {
    const { visibility_timeout: _vt, ...rest } = WORKER_TUNING;
    expect(await evaluate(worker(rest))).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-worker",
        message:
          "Deployment celery-worker: visibility_timeout 3600 s (the Redis transport's default) does not exceed task_time_limit 3600 s; a task still running when the timeout passes is delivered again and runs twice",
      },
    ]);
  });

  it("reads broker_transport_options as Celery spells it", async () => {
    const { visibility_timeout: _vt, ...rest } = WORKER_TUNING;
    expect(await messages(worker({ ...rest, broker_transport_options: { visibility_timeout: 7200 } }), only)).toEqual([]);
    expect(await messages(worker({ ...rest, broker_transport_options: { visibility_timeout: 1800 } }), only)).toEqual([
      "Deployment celery-worker: visibility_timeout 1800 s does not exceed task_time_limit 3600 s; a task still running when the timeout passes is delivered again and runs twice",
    ]);
  });

  it("a worker with no hard time limit can outlive any visibility timeout", async () => {
    const { task_time_limit: _t, ...rest } = WORKER_TUNING;
    expect(await messages(worker(rest), only)).toEqual(["Deployment celery-worker: sets no task_time_limit; a task can outlive the visibility_timeout 4200 s and be delivered again"]);
  });

  it("a setting that is not a number is named", async () => {
    expect(await messages(worker({ ...WORKER_TUNING, task_time_limit: "an hour" }), only)).toEqual(['Deployment celery-worker: task_time_limit is "an hour", not a number']);
  });
});

describe("rightsize-enforce-broker-noeviction", () => {
  const only = "rightsize-enforce-broker-noeviction";
  const redis = (role: string, policy: string) =>
    changed("StatefulSet", "redis-broker", (o) => {
      o.metadata.annotations["rightsize.io/role"] = role;
      setTuning(o, { maxmemory: "192mb", "maxmemory-policy": policy });
    });

  it("rejects an evicting broker", async () => {
    expect(await evaluate(redis("broker", "allkeys-lru"))).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "StatefulSet/redis-broker",
        message:
          'StatefulSet redis-broker: the Celery broker (rightsize.io/role broker) has maxmemory-policy "allkeys-lru"; when memory runs out it evicts queued tasks without a trace. Use noeviction',
      },
    ]);
  });

  it("lets a cache evict", async () => {
    expect(await messages(redis("cache", "allkeys-lru"), only)).toEqual([]);
  });

  it("takes an absent policy as Redis' default, noeviction", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => setTuning(o, { maxmemory: "192mb" }));
    expect(await messages(objects, only)).toEqual([]);
  });

  it("names an unreadable tuning annotation", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => (o.metadata.annotations["rightsize.io/tuning"] = "{maxmemory"));
    const [m] = await messages(objects, only);
    expect(m).toMatch(/^StatefulSet redis-broker: rightsize.io\/tuning is not valid JSON \(.+\), so its settings cannot be checked$/);
  });
});

describe("rightsize-enforce-beat-singleton", () => {
  const only = "rightsize-enforce-beat-singleton";
  const beat = (edit: (o: any) => void) => changed("Deployment", "celery-beat", edit);

  it("rejects two replicas", async () => {
    expect(await evaluate(beat((o) => (o.spec.replicas = 2)), {}, only)).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-beat",
        message: "Deployment celery-beat: Celery beat runs up to 2 replicas; every schedule would fire 2 times",
      },
    ]);
  });

  it("rejects an HPA or a KEDA ScaledObject that can scale it out", async () => {
    expect(await messages([...baseline(), hpa("celery-beat", 1, 3)], only)).toEqual([
      "Deployment celery-beat: Celery beat runs up to 3 replicas; every schedule would fire 3 times",
    ]);
    expect(await messages([...baseline(), scaledObject("celery-beat", 0, 2)], only)).toEqual([
      "Deployment celery-beat: Celery beat runs up to 2 replicas; every schedule would fire 2 times",
    ]);
  });

  it("rejects a rolling update that surges a second scheduler", async () => {
    expect(await messages(beat((o) => (o.spec.strategy = { type: "RollingUpdate" })), only)).toEqual([
      "Deployment celery-beat: Celery beat rolls out with maxSurge 1, so an old and a new scheduler run side by side and fire the same schedule; use strategy Recreate",
    ]);
    expect(await messages(beat((o) => (o.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } })), only)).toEqual([]);
  });

  it("rejects a second beat workload", async () => {
    const second = workload("celery-beat-2", {
      component: "celery-beat",
      strategy: { type: "Recreate" },
      containers: [container("beat", "registry.example.com/rightsize/app:1.0.0", { req: ["50m", "128Mi"], lim: ["500m", "256Mi"] })],
    });
    expect(await messages([...baseline(), second], only)).toEqual([
      "2 Celery beat workloads (Deployment celery-beat, Deployment celery-beat-2); the stack must run exactly one scheduler",
    ]);
    expect(find(baseline(), "Deployment", "celery-beat").spec.strategy).toEqual({ type: "Recreate" });
  });
});
