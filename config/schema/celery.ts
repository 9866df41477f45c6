// `celery`: worker pools (one Deployment each) and beat. Cross-field rules that need the derivation
// (memory per child, visibility timeout, grace period) live in components/celery/tuning.ts.
import { z } from "zod";
import { DEFAULT_PARENT_MEMORY } from "../../model/celery-memory";
import { formatMemory } from "../../model/quantity";
import { dns1123LabelProblem } from "../../model/k8s-rules";
import { envMap, k8sString, MAX_REPLICAS, memory, replicas, resources, secondsField, size, unitMemory } from "./common";

/** A pool name becomes part of object names (`celery-worker-<pool>`), so it is a short DNS label. */
const poolName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, { error: "must be a DNS label of at most 40 characters" });
const queueName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, { error: "must be a queue name (letters, digits, _ . : -)" });

/**
 * KEDA scales the pool on the length of the Redis lists behind its queues; the checks that need the
 * derivation (min/max, queues, scale to zero under beat) live in components/celery/scaling.ts.
 */
const autoscalingSchema = z.strictObject({
  /** 0 scales the pool to zero when its queues are empty. @default replicas, else 1 */
  minReplicas: replicas().optional(),
  maxReplicas: z.number().int().min(1).max(MAX_REPLICAS),
  /** Waiting tasks per replica. @default the pool's concurrency */
  tasksPerReplica: z.number().int().min(1).max(100_000).optional(),
  /** KEDA's cooldownPeriod (last replica -> 0), seconds. @default the soft time limit */
  cooldownSeconds: secondsField(0, 7 * 24 * 3600).optional(),
  /** How often KEDA reads the lists, seconds (KEDA's own default). */
  pollingInterval: secondsField(1, 3600).prefault(30),
  /** The queues whose backlog counts. @default every queue the pool consumes */
  queues: z.array(queueName).min(1).optional(),
  /** Scale to zero even though beat sends scheduled tasks to this pool's default queue. */
  allowScaleToZero: z.boolean().default(false),
});
export type CeleryAutoscalingConfig = z.output<typeof autoscalingSchema>;

const poolSchema = z
  .strictObject({
    /** Queues this pool consumes (`celery worker --queues`). @default [<pool name>] */
    queues: z.array(queueName).min(1).optional(),
    /** @default 1; with autoscaling it may only repeat minReplicas (the ScaledObject owns the count). */
    replicas: replicas().optional(),
    autoscaling: autoscalingSchema.optional(),
    resources: resources({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }),
    /** cpu: one process per core of the CPU limit; io: `ioMultiplier` processes per core. */
    profile: z.enum(["cpu", "io"]).default("io"),
    ioMultiplier: z.number().int().min(1).max(16).default(4),
    /** Resident memory one pool process needs after imports and a typical task. */
    childMemory: unitMemory("Celery children").prefault("200Mi"),
    /** Resident memory of the worker's parent (main) process. */
    parentMemory: memory().prefault(formatMemory(DEFAULT_PARENT_MEMORY)),
    /** Override of the derived concurrency; checked against the memory limit. */
    concurrency: z.number().int().min(1).max(256).optional(),
    /** Override of the derived worker_max_memory_per_child, in KiB as Celery takes it; checked. */
    maxMemoryPerChild: z.number().int().min(1024).max(1024 ** 3).optional(),
    maxTasksPerChild: z.number().int().min(1).max(1_000_000).default(100),
    /** task_time_limit: the hard limit, seconds; the child is killed when it is reached. */
    timeLimit: secondsField(2, 7 * 24 * 3600).prefault(600),
    /** task_soft_time_limit: SoftTimeLimitExceeded is raised; @default 90% of timeLimit */
    softTimeLimit: secondsField(1, 7 * 24 * 3600).optional(),
    /** Tasks that run for minutes: prefetch 1. @default timeLimit >= 300 */
    longTasks: z.boolean().optional(),
    /** worker_prefetch_multiplier. @default 1 for long tasks, else 4 */
    prefetchMultiplier: z.number().int().min(1).max(128).optional(),
    /** Seconds the parent needs after its last task to ack, requeue and exit. */
    shutdownMargin: secondsField(5, 600).prefault(30),
    /**
     * Bounded shutdown instead of draining: on SIGTERM running tasks get this long, then they are cancelled
     * and requeued (Celery >= 5.5 `worker_soft_shutdown_timeout`). Unset: drain up to the hard limit.
     */
    softShutdownWindow: secondsField(1, 24 * 3600).optional(),
    /** Override of the derived grace period; must still cover running tasks. */
    terminationGracePeriodSeconds: secondsField(1, 7 * 24 * 3600 + 3600).optional(),
    /** Per-process SQLAlchemy pool (each pool process has its own engine), for Postgres' connection budget. */
    database: z
      .strictObject({
        poolSize: z.number().int().min(0).max(100).default(1),
        maxOverflow: z.number().int().min(0).max(100).default(1),
      })
      .prefault({}),
    probes: z
      .strictObject({
        /** Liveness fails when the worker's heartbeat file is older than this (and the broker answers). */
        heartbeatMaxAge: secondsField(10, 3600).prefault(60),
        /** Longest start (imports, broker connection) the startup probe waits for. */
        startupTimeout: secondsField(10, 3600).prefault(120),
      })
      .prefault({}),
    env: envMap(),
  })
  .superRefine((p, ctx) => {
    if (p.softTimeLimit !== undefined && p.softTimeLimit >= p.timeLimit) {
      ctx.addIssue({
        code: "custom",
        path: ["softTimeLimit"],
        message: `must be below timeLimit ${p.timeLimit} s: the soft limit is the task's warning before the hard kill`,
        input: p.softTimeLimit,
      });
    }
  });
export type CeleryPoolConfig = z.output<typeof poolSchema>;

const beatSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Exactly 1 (checked): a second beat sends every scheduled task twice. */
  replicas: z.number().int().min(0).max(500).default(1),
  resources: resources({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } }),
  /** Where the schedule state (last run times) lives: emptyDir (the pod's life) or a PersistentVolumeClaim. */
  schedule: z
    .strictObject({
      volume: z.enum(["emptyDir", "persistentVolumeClaim"]).default("emptyDir"),
      size: size().prefault("64Mi"),
      storageClassName: z.string().min(1).optional(),
    })
    .prefault({}),
  /** beat_max_loop_interval: beat wakes at least this often, which also bounds its heartbeat's age. */
  maxLoopInterval: secondsField(5, 300).prefault(60),
  env: envMap(),
});
export type CeleryBeatConfig = z.output<typeof beatSchema>;

export const celerySchema = z.strictObject({
  /** The Celery app for `celery --app` (module or module:attribute). */
  app: z.string().regex(/^[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?$/, { error: "must be module or module:attribute, e.g. app:celery" }).default("app:celery"),
  workers: z.record(poolName, poolSchema).prefault({}),
  beat: beatSchema.prefault({}),
  /**
   * broker_transport_options.visibility_timeout for every client of the broker, seconds. Redis restores
   * any unacknowledged message older than it, whichever queue it came from, so it is broker-wide.
   * @default (prefetch + 1) x the largest task_time_limit
   */
  visibilityTimeout: secondsField(1, 30 * 24 * 3600).optional(),
  /** worker_send_task_events and task_send_sent_event, for Flower. */
  taskEvents: z.boolean().default(false),
  /**
   * task_default_queue: where a task sent without a queue goes. Celery's own default is "celery", which
   * no pool consumes unless told to, so such tasks would wait forever.
   * @default "default" when a pool consumes it, else the first queue of the first pool by name
   */
  defaultQueue: queueName.optional(),
  /** Namespace of the KEDA operator, which must reach the broker to read the queue lengths. */
  kedaNamespace: k8sString(dns1123LabelProblem).default("keda"),
});
export type CeleryConfig = z.output<typeof celerySchema>;
