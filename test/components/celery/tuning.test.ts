import { describe, expect, it } from "vitest";
import {
  defaultQueue,
  celeryDbConnections,
  concurrency,
  cpuConcurrency,
  concurrencyOf,
  maxMemoryPerChild,
  memoryConcurrency,
  poolSettings,
  terminationGracePeriod,
  visibilityTimeout,
} from "../../../components/celery/tuning";
import { memoryBudgetKiB } from "../../../model/celery-memory";
import { bytes, GiB, MiB } from "../../../model/units";
import { baseValues, problems, resources as res, set, valid } from "../../helpers/stack";


/** A stack whose celery section is `celery`. */
// Room in Postgres for web's 40 connections and the pools' (the default 80 would not hold them).
const withCelery = (celery: Record<string, unknown>) => set(set(set(baseValues(), "postgres.maxConnections", 100), "postgres.resources.limits.memory", "2Gi"), "celery", celery);
const pool = (p: Record<string, unknown>, name = "default") => valid(withCelery({ workers: { [name]: p } })).celery!.workers[name]!;

// The seed's worker: 2.5 CPU / 2 GB, 6 processes of 400000 KiB, prefetch 2, 1-hour tasks, Redis' default visibility.
const seedPool = { resources: res("1500m", "1Gi", "2500m", "2Gi"), timeLimit: 3600, softTimeLimit: 3300, maxTasksPerChild: 50 };

describe("worker_concurrency", () => {
  it("is the whole cores of the limit for CPU-bound pools", () => {
    expect(cpuConcurrency(pool({ profile: "cpu", resources: res("1", "1Gi", "2500m", "4Gi") }))).toBe(2);
    expect(cpuConcurrency(pool({ profile: "cpu", resources: res("100m", "1Gi", "500m", "4Gi") }))).toBe(1);
    expect(concurrency(pool({ profile: "cpu", resources: res("1", "1Gi", "3", "4Gi") }))).toBe(3);
  });

  it("is ioMultiplier per core for I/O-bound pools", () => {
    expect(cpuConcurrency(pool({ resources: res("1", "1Gi", "2500m", "4Gi") }))).toBe(10);
    expect(cpuConcurrency(pool({ ioMultiplier: 2, resources: res("1", "1Gi", "2500m", "4Gi") }))).toBe(5);
  });

  it("is capped by what fits in 90% of the memory limit beside the parent", () => {
    // 90% of 2Gi = 1887436 KiB; (1887436 - 102400) / 204800 = 8.7
    expect(memoryBudgetKiB(bytes(2 * GiB))).toBe(1887436);
    const p = pool(seedPool);
    expect(memoryConcurrency(p)).toBe(8);
    expect(concurrency(p)).toBe(8);
    expect(concurrencyOf(p).why).toBe("min(floor(2500m x 4) = 10, (1887436 KiB - 102400 KiB parent) / 204800 KiB per child = 8) = 8");
  });

  it("the pool defaults (1 CPU / 1Gi, I/O) give 4", () => {
    expect(concurrency(pool({}))).toBe(4);
  });
});

describe("worker_max_memory_per_child (KiB)", () => {
  it("shares 90% of the limit minus the parent between the processes", () => {
    // dev: 2 CPU / 1536Mi -> 6 processes; (1415577 - 102400) / 6
    const p = pool({ resources: res("500m", "768Mi", "2", "1536Mi") });
    expect(concurrency(p)).toBe(6);
    expect(maxMemoryPerChild(p)).toBe(218862);
    expect(6 * 218862 + 102400).toBeLessThanOrEqual(memoryBudgetKiB(bytes(1536 * MiB)));
  });

  it("the seed's 6 processes in 2Gi get 297506 KiB each, not 400000", () => {
    expect(maxMemoryPerChild(pool({ ...seedPool, concurrency: 6 }))).toBe(297506);
  });

  it("follows a memory limit change", () => {
    expect(maxMemoryPerChild(pool({ resources: res("250m", "512Mi", "1", "2Gi") }))).toBe(446259);
  });
});

describe("settings as Celery spells them", () => {
  it("dev's pool: exact values", () => {
    const c = valid(withCelery({ workers: { default: { queues: ["default", "scraping"], ...seedPool, resources: res("500m", "768Mi", "2", "1536Mi") } } })).celery!;
    expect(poolSettings(c, "default")).toEqual({
      queues: ["default", "scraping"],
      worker_concurrency: 6,
      worker_prefetch_multiplier: 1,
      worker_max_memory_per_child: 218862,
      worker_max_tasks_per_child: 50,
      task_acks_late: true,
      task_reject_on_worker_lost: true,
      task_time_limit: 3600,
      task_soft_time_limit: 3300,
      visibility_timeout: 7200,
    });
  });

  it("defaults: soft limit 90% of the hard one, queue named after the pool, prefetch 1 from 300 s on", () => {
    const s = poolSettings(valid(withCelery({ workers: { mail: {} } })).celery!, "mail");
    expect(s).toMatchObject({ queues: ["mail"], task_time_limit: 600, task_soft_time_limit: 540, worker_prefetch_multiplier: 1, worker_max_tasks_per_child: 100 });
    const short = poolSettings(valid(withCelery({ workers: { mail: { timeLimit: 120 } } })).celery!, "mail");
    expect(short).toMatchObject({ task_soft_time_limit: 108, worker_prefetch_multiplier: 4 });
  });

  it("a soft-shutdown window appears as worker_soft_shutdown_timeout", () => {
    const c = valid(withCelery({ workers: { default: { ...seedPool, softShutdownWindow: 60 } } })).celery!;
    expect(poolSettings(c, "default").worker_soft_shutdown_timeout).toBe(60);
  });
});

describe("visibility_timeout (broker-wide)", () => {
  it("is (prefetch + 1) x the longest hard limit over all pools: 2 x 3600 for the seed's scraping tasks", () => {
    const c = valid(withCelery({ workers: { default: { timeLimit: 120 }, scraping: seedPool } })).celery!;
    expect(visibilityTimeout(c)).toBe(7200);
    expect(poolSettings(c, "default").visibility_timeout).toBe(7200);
  });

  it("counts the prefetch of a short-task pool", () => {
    // (4 + 1) x 1000: a reserved message can wait 3 task lengths, then run one
    expect(visibilityTimeout(valid(withCelery({ workers: { batch: { timeLimit: 1000, longTasks: false } } })).celery!)).toBe(5000);
  });

  it("never goes below Redis' own 3600, which ETA tasks rely on", () => {
    expect(visibilityTimeout(valid(withCelery({ workers: { mail: { timeLimit: 120 } } })).celery!)).toBe(3600);
    expect(visibilityTimeout(valid(withCelery({})).celery!)).toBe(3600);
  });

  it("takes a user value that has the margin", () => {
    expect(visibilityTimeout(valid(withCelery({ workers: { s: seedPool }, visibilityTimeout: 10800 })).celery!)).toBe(10800);
  });
});

describe("terminationGracePeriodSeconds", () => {
  it("covers the hard limit plus the shutdown margin: the seed's 55-minute tasks get 3630 s, not 30", () => {
    expect(terminationGracePeriod(pool(seedPool))).toBe(3630);
  });

  it("covers a configured soft-shutdown window instead", () => {
    expect(terminationGracePeriod(pool({ ...seedPool, softShutdownWindow: 60 }))).toBe(90);
  });
});

describe("the seed's flawed settings are rejected with the key and the numbers", () => {
  it("6 x 400000 KiB in a 2 GiB limit", () => {
    expect(problems(withCelery({ workers: { default: { ...seedPool, concurrency: 6, maxMemoryPerChild: 400000 } } }))).toEqual([
      "celery.workers.default.maxMemoryPerChild: 6 processes x 400000 KiB + 102400 KiB parent = 2502400 KiB is more than 90% of limits.memory 2Gi (1887436 KiB): the container is killed before a child is recycled; at most 297506 KiB per child fits (got 400000)",
    ]);
  });

  it("a visibility timeout equal to task_time_limit 3600", () => {
    expect(problems(withCelery({ workers: { default: seedPool }, visibilityTimeout: 3600 }))).toEqual([
      "celery.visibilityTimeout: 3600 s does not exceed task_time_limit 3600 s of celery.workers.default: Redis would hand a still-running task to a second worker; it must be at least (worker_prefetch_multiplier 1 + 1) x task_time_limit 3600 s of celery.workers.default = 7200 s (got 3600)",
    ]);
  });

  it("a visibility timeout above the hard limit but without the margin", () => {
    expect(problems(withCelery({ workers: { default: seedPool }, visibilityTimeout: 5000 }))).toEqual([
      "celery.visibilityTimeout: 5000 s leaves too little margin: it must be at least (worker_prefetch_multiplier 1 + 1) x task_time_limit 3600 s of celery.workers.default = 7200 s (got 5000)",
    ]);
  });

  it("a 55-minute soft limit with a 30 s grace period", () => {
    expect(problems(withCelery({ workers: { default: { ...seedPool, terminationGracePeriodSeconds: 30 } } }))).toEqual([
      "celery.workers.default.terminationGracePeriodSeconds: 30 s would kill running tasks at every rollout: a running task may take until task_time_limit 3600 s (soft 3300 s) after SIGTERM, so it must be at least 3600 + shutdownMargin 30 = 3630 s, or set softShutdownWindow (got 30)",
    ]);
  });

  it("prefetch 2 for 1-hour tasks", () => {
    expect(problems(withCelery({ workers: { default: { ...seedPool, prefetchMultiplier: 2 } } }))).toEqual([
      "celery.workers.default.prefetchMultiplier: must be 1 for long tasks (timeLimit 3600 s): a prefetched message waits behind a running task and its visibility timeout runs meanwhile (got 2)",
    ]);
  });

  it("two beats", () => {
    expect(problems(withCelery({ beat: { replicas: 2 } }))).toEqual([
      "celery.beat.replicas: must be exactly 1: 2 beats would each send every scheduled task (duplicate schedules) (got 2)",
    ]);
  });
});

describe("other bad input", () => {
  it("a concurrency that does not fit the memory", () => {
    expect(problems(withCelery({ workers: { default: { concurrency: 5 } } }))).toEqual([
      "celery.workers.default.concurrency: 5 processes x 204800 KiB childMemory + 102400 KiB parent = 1126400 KiB is more than 90% of limits.memory 1Gi (943718 KiB); at most 4 fit (got 5)",
    ]);
  });

  it("a limit with room for no process", () => {
    expect(problems(withCelery({ workers: { default: { resources: res("100m", "256Mi", "1", "256Mi") } } }))).toEqual([
      'celery.workers.default.resources.limits.memory: leaves room for no worker process: 204800 KiB childMemory + 102400 KiB parent is more than 90% of it (235929 KiB) (got "256Mi")',
    ]);
  });

  it("a soft limit at the hard limit, a window past it, a grace below the window, a cap below childMemory", () => {
    expect(problems(withCelery({ workers: { a: { timeLimit: 600, softTimeLimit: 600 } } }))).toEqual([
      "celery.workers.a.softTimeLimit: must be below timeLimit 600 s: the soft limit is the task's warning before the hard kill (got 600)",
    ]);
    expect(problems(withCelery({ workers: { a: { softShutdownWindow: 600 } } }))).toEqual([
      "celery.workers.a.softShutdownWindow: must be below timeLimit 600 s; to let tasks run to their limit, leave it unset (got 600)",
    ]);
    expect(problems(withCelery({ workers: { a: { softShutdownWindow: 60, terminationGracePeriodSeconds: 60 } } }))).toEqual([
      "celery.workers.a.terminationGracePeriodSeconds: 60 s would kill running tasks at every rollout: softShutdownWindow 60 s + shutdownMargin 30 s = 90 s (got 60)",
    ]);
    expect(problems(withCelery({ workers: { a: { maxMemoryPerChild: 100000 } } }))).toEqual([
      "celery.workers.a.maxMemoryPerChild: is below childMemory 204800 KiB: every child would be replaced after its first task (got 100000)",
    ]);
  });

  it("env that would override what rightsize sets, and a bad pool name", () => {
    // A credential's value is never shown back; beat sets no database variables, so it may.
    expect(problems(withCelery({ workers: { a: { env: { PYTHONPATH: "/app", RIGHTSIZE_PLAYWRIGHT_URL: "ws://x" } } }, beat: { env: { REDIS_PASSWORD: "x", DATABASE_URL: "sqlite://" } } }))).toEqual([
      'celery.workers.a.env.PYTHONPATH: is set by rightsize (the worker\'s pool, broker and database variables); remove it from env (got "/app")',
      'celery.workers.a.env.RIGHTSIZE_PLAYWRIGHT_URL: is set by rightsize (the worker\'s pool, broker and database variables); remove it from env (got "ws://x")',
      "celery.beat.env.REDIS_PASSWORD: is set by rightsize (the Celery client variables); remove it from env",
    ]);
    expect(problems(withCelery({ workers: { Scraping_Pool: {} } }))).toEqual([
      'celery.workers.Scraping_Pool: the name must be a DNS label of at most 40 characters (got "Scraping_Pool")',
    ]);
  });

  it("accepts the seed's worker once its settings are derived", () => {
    expect(problems(withCelery({ workers: { default: seedPool } }))).toEqual([]);
  });
});

describe("celeryDbConnections", () => {
  it("counts pods during a rollout x processes x the per-process pool", () => {
    // 40 (web) + 64 (these pools) + 3 reserved needs more than the default 100 connections.
    const c = valid(set(set(withCelery({ workers: { default: { replicas: 2, timeLimit: 120 }, scraping: { ...seedPool, replicas: 1, database: { poolSize: 2, maxOverflow: 0 } } } }), "postgres.maxConnections", 150), "postgres.resources.limits.memory", "2560Mi"));
    expect(celeryDbConnections(c)).toEqual([
      {
        key: "celery.workers.default",
        connections: 32,
        explain: "celery.workers.default: 4 pods (2 replicas + 2 new during a rollout while the old drain) x 4 processes x (database.poolSize 1 + maxOverflow 1) = 32",
      },
      {
        key: "celery.workers.scraping",
        connections: 32,
        explain: "celery.workers.scraping: 2 pods (1 replicas + 1 new during a rollout while the old drain) x 8 processes x (database.poolSize 2 + maxOverflow 0) = 32",
      },
    ]);
  });

  it("is empty without Celery and 0 for a pool scaled to zero", () => {
    expect(celeryDbConnections(valid())).toEqual([]);
    expect(celeryDbConnections(valid(withCelery({ workers: { idle: { replicas: 0 } } })))[0]!.connections).toBe(0);
  });
});

describe("task_default_queue", () => {
  it("is 'default' when a pool consumes it, else the first pool's first queue, else what is set", () => {
    expect(defaultQueue(valid(withCelery({ workers: { a: { queues: ["x", "default"] } } })).celery!)).toBe("default");
    expect(defaultQueue(valid(withCelery({ workers: { b: { queues: ["y"] }, a: { queues: ["x", "z"] } } })).celery!)).toBe("x");
    expect(defaultQueue(valid(withCelery({ defaultQueue: "y", workers: { b: { queues: ["y"] }, a: { queues: ["x"] } } })).celery!)).toBe("y");
  });

  it("rejects a default queue no pool consumes: tasks sent without a queue would wait forever", () => {
    expect(problems(withCelery({ defaultQueue: "celery", workers: { a: { queues: ["x"] }, b: {} } }))).toEqual([
      'celery.defaultQueue: no worker pool consumes this queue, so a task sent without a queue would wait forever (the pools consume b, x) (got "celery")',
    ]);
  });
});
