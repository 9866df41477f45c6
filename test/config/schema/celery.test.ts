import { describe, expect, it } from "vitest";
import { celerySchema } from "../../../config/schema/celery";
import { parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const pool = (p: Record<string, unknown>) => problemsAt("celery.workers.default", p);

describe("celery schema", () => {
  it("fills a pool's, beat's and the app's defaults", () => {
    expect(celerySchema.parse({ workers: { default: {} } })).toEqual({
      app: "app:celery",
      workers: {
        default: {
          resources: { requests: { cpu: 250, memory: 512 * Mi }, limits: { cpu: 1000, memory: Gi } },
          profile: "io",
          ioMultiplier: 4,
          childMemory: 200 * Mi,
          parentMemory: 100 * Mi,
          maxTasksPerChild: 100,
          timeLimit: 600,
          shutdownMargin: 30,
          database: { poolSize: 1, maxOverflow: 1 },
          probes: { heartbeatMaxAge: 60, startupTimeout: 120 },
          env: {},
        },
      },
      beat: {
        enabled: true,
        replicas: 1,
        resources: { requests: { cpu: 50, memory: 128 * Mi }, limits: { cpu: 250, memory: 256 * Mi } },
        schedule: { volume: "emptyDir", size: 64 * Mi },
        maxLoopInterval: 60,
        env: {},
      },
      taskEvents: false,
      kedaNamespace: "keda",
    });
    expect(celerySchema.parse({}).workers).toEqual({});
  });

  it("is absent unless the stack asks for it", () => {
    expect(parsedAt("web.replicas", 1).celery).toBeUndefined();
  });

  it("names pools with DNS labels of at most 40 characters", () => {
    expect(problemsAt("celery.workers", { ["a".repeat(40)]: {}, "pdf-render2": {} })).toEqual([]);
    const name = "a".repeat(41);
    expect(problemsAt("celery.workers", { [name]: {} })).toEqual([`celery.workers.${name}: the name must be a DNS label of at most 40 characters (got "${name}")`]);
    expect(problemsAt("celery.workers", { Default: {} })).toEqual(['celery.workers.Default: the name must be a DNS label of at most 40 characters (got "Default")']);
    expect(problemsAt("celery.workers", { "-x": {} })).toEqual(['celery.workers.-x: the name must be a DNS label of at most 40 characters (got "-x")']);
  });

  it("takes queue names of letters, digits and _ . : -", () => {
    expect(pool({ queues: ["default", "pdf.render:high_prio-2"] })).toEqual([]);
    expect(pool({ queues: ["a b"] })).toEqual(['celery.workers.default.queues.0: must be a queue name (letters, digits, _ . : -) (got "a b")']);
    expect(pool({ queues: [] })).toEqual(["celery.workers.default.queues: must not be empty (got [])"]);
    expect(problemsAt("celery.defaultQueue", "q".repeat(100))).toEqual([]);
    expect(problemsAt("celery.defaultQueue", "q".repeat(101))).toEqual([`celery.defaultQueue: must be a queue name (letters, digits, _ . : -) (got "${"q".repeat(76)}...)`]);
  });

  it("keeps the soft time limit below the hard one: one second below passes, equal fails", () => {
    expect(pool({ softTimeLimit: 599 })).toEqual([]);
    expect(pool({ softTimeLimit: 600 })).toEqual([
      "celery.workers.default.softTimeLimit: must be below timeLimit 600 s: the soft limit is the task's warning before the hard kill (got 600)",
    ]);
    expect(pool({ timeLimit: 2, softTimeLimit: 1 })).toEqual([]);
    expect(pool({ timeLimit: 1 })).toEqual(["celery.workers.default.timeLimit: must be at least 2 (got 1)"]);
    expect(pool({ timeLimit: 604800 })).toEqual([]);
    expect(pool({ timeLimit: 604801 })).toEqual(["celery.workers.default.timeLimit: must be at most 604800 (got 604801)"]);
  });

  it("wants a child to cost memory, since the children that fit are the memory divided by it", () => {
    expect(pool({ childMemory: "1" })).toEqual([]);
    expect(pool({ childMemory: "0" })).toEqual(["celery.workers.default.childMemory: must be more than 0: it divides the memory limit into Celery children (got 0)"]);
    expect(pool({ parentMemory: "0" })).toEqual([]);
  });

  it("bounds the overrides of the derivation", () => {
    expect(pool({ concurrency: 256, maxMemoryPerChild: 1024, ioMultiplier: 16 })).toEqual([]);
    expect(pool({ concurrency: 0 })).toEqual(["celery.workers.default.concurrency: must be at least 1 (got 0)"]);
    expect(pool({ concurrency: 257 })).toEqual(["celery.workers.default.concurrency: must be at most 256 (got 257)"]);
    expect(pool({ maxMemoryPerChild: 1023 })).toEqual(["celery.workers.default.maxMemoryPerChild: must be at least 1024 (got 1023)"]);
    expect(pool({ ioMultiplier: 17 })).toEqual(["celery.workers.default.ioMultiplier: must be at most 16 (got 17)"]);
    expect(pool({ profile: "gevent" })).toEqual(['celery.workers.default.profile: must be one of "cpu", "io" (got "gevent")']);
    expect(pool({ shutdownMargin: 4 })).toEqual(["celery.workers.default.shutdownMargin: must be at least 5 (got 4)"]);
    expect(pool({ terminationGracePeriodSeconds: 608400 })).toEqual([]);
    expect(pool({ terminationGracePeriodSeconds: 608401 })).toEqual(["celery.workers.default.terminationGracePeriodSeconds: must be at most 608400 (got 608401)"]);
    expect(pool({ database: { poolSize: 101 } })).toEqual(["celery.workers.default.database.poolSize: must be at most 100 (got 101)"]);
    expect(pool({ probes: { heartbeatMaxAge: 9 } })).toEqual(["celery.workers.default.probes.heartbeatMaxAge: must be at least 10 (got 9)"]);
  });

  it("takes KEDA autoscaling with a max and KEDA's 30 s polling by default", () => {
    const c = parsedAt("celery.workers.default", { autoscaling: { maxReplicas: 5 } }).celery!;
    expect(c.workers.default!.autoscaling).toEqual({ maxReplicas: 5, pollingInterval: 30, allowScaleToZero: false });
    expect(pool({ autoscaling: { minReplicas: 0, maxReplicas: 500 } })).toEqual([]);
    expect(pool({ autoscaling: {} })).toEqual(["celery.workers.default.autoscaling.maxReplicas: is required"]);
    expect(pool({ autoscaling: { maxReplicas: 501 } })).toEqual(["celery.workers.default.autoscaling.maxReplicas: must be at most 500 (got 501)"]);
    expect(pool({ autoscaling: { maxReplicas: 3, queues: [] } })).toEqual(["celery.workers.default.autoscaling.queues: must not be empty (got [])"]);
    expect(pool({ autoscaling: { maxReplicas: 3, pollingInterval: 0 } })).toEqual(["celery.workers.default.autoscaling.pollingInterval: must be at least 1 (got 0)"]);
    expect(pool({ autoscaling: { maxReplicas: 3, cooldownSeconds: 0 } })).toEqual([]);
  });

  it("bounds beat and its schedule", () => {
    expect(problemsAt("celery.beat", { schedule: { volume: "persistentVolumeClaim", size: "1Gi", storageClassName: "standard" } })).toEqual([]);
    expect(problemsAt("celery.beat.schedule.volume", "hostPath")).toEqual(['celery.beat.schedule.volume: must be one of "emptyDir", "persistentVolumeClaim" (got "hostPath")']);
    expect(problemsAt("celery.beat.maxLoopInterval", 5)).toEqual([]);
    expect(problemsAt("celery.beat.maxLoopInterval", 4)).toEqual(["celery.beat.maxLoopInterval: must be at least 5 (got 4)"]);
    expect(problemsAt("celery.beat.maxLoopInterval", 301)).toEqual(["celery.beat.maxLoopInterval: must be at most 300 (got 301)"]);
    expect(problemsAt("celery.beat.replicas", 501)).toEqual(["celery.beat.replicas: must be at most 500 (got 501)"]);
  });

  it("checks the app reference, the KEDA namespace and the visibility timeout", () => {
    for (const app of ["app", "app:celery", "my.tasks:celery_app"]) expect(problemsAt("celery.app", app)).toEqual([]);
    expect(problemsAt("celery.app", "app:")).toEqual(['celery.app: must be module or module:attribute, e.g. app:celery (got "app:")']);
    expect(problemsAt("celery.kedaNamespace", "KEDA")).toEqual(['celery.kedaNamespace: must be a DNS label: lower case letters, digits and \'-\', starting and ending with a letter or digit (got "KEDA")']);
    expect(problemsAt("celery.visibilityTimeout", 2592000)).toEqual([]);
    expect(problemsAt("celery.visibilityTimeout", 2592001)).toEqual(["celery.visibilityTimeout: must be at most 2592000 (got 2592001)"]);
  });
});
