// KEDA autoscaling of a Celery pool on the Redis lists behind its queues: which lists, how many tasks a
// replica takes, and how slowly pods may leave. Pure: no @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import type { CeleryAutoscalingConfig, CeleryConfig, CeleryPoolConfig } from "../../config/schema/celery";
import { type Seconds, seconds } from "../../model/units";
import { REDIS } from "../shared/endpoints";
import { concurrency, defaultQueue, minReplicas, queues, softTimeLimit, terminationGracePeriod } from "./tuning";

/**
 * kombu's Redis transport (5.2: kombu/transport/redis.py, `priority_steps`, `sep`, `_q_for_pri`) pushes a
 * message with priority p onto `<queue>` when p rounds down to step 0, else onto `<queue>\x06\x16<step>`.
 * It does so whether or not the app uses priorities: any `apply_async(priority=5)` lands on
 * `<queue>\x06\x163`. The settings module pins both values, so the lists the ScaledObject watches are the
 * lists kombu writes, and kombu's own queue size is the sum over them.
 */
export const PRIORITY_STEPS = [0, 3, 6, 9] as const;
export const PRIORITY_SEP = "\x06\x16";
/** The broker database every client uses (`redis://.../0`). */
export const BROKER_DB = 0;

/** The HPA API's bounds (autoscaling/v2 validation; KEDA's CRD repeats the first as `maximum: 3600`). */
export const HPA_MAX_STABILIZATION: Seconds = seconds(3600);
export const HPA_MAX_POLICY_PERIOD: Seconds = seconds(1800);

/** Every Redis list a queue's messages can sit on, one per priority step. */
export function brokerLists(queue: string): string[] {
  return PRIORITY_STEPS.map((step) => (step === 0 ? queue : `${queue}${PRIORITY_SEP}${step}`));
}

function settings(p: CeleryPoolConfig): CeleryAutoscalingConfig {
  if (!p.autoscaling) throw new Error("the pool has no autoscaling");
  return p.autoscaling;
}

/** The queues whose backlog scales the pool. */
export function scaledQueues(name: string, p: CeleryPoolConfig): string[] {
  return settings(p).queues ?? queues(name, p);
}

/** One replica per full set of processes, unless configured. */
export function tasksPerReplica(p: CeleryPoolConfig): number {
  return settings(p).tasksPerReplica ?? concurrency(p);
}

/**
 * The HPA keeps the highest replica count it recommended during this window before it scales down. A
 * task that was still queued at the start of the window has started since and finishes within the soft
 * limit, so a pod is only removed once the backlog has been gone longer than a task takes. The HPA API
 * allows at most an hour; a longer soft limit gets the hour, and running tasks are still safe, because
 * the grace period lets a removed pod drain to the hard limit.
 */
export function scaleDownWindow(p: CeleryPoolConfig): Seconds {
  return seconds(Math.min(HPA_MAX_STABILIZATION, softTimeLimit(p)));
}

/**
 * One pod may leave per period. A removed pod stops taking tasks and drains for up to its grace period,
 * holding its requests until it exits; one pod per grace period means the next leaves only when the last
 * could have finished. The HPA API caps a period at 30 minutes, so a grace period above that lets up to
 * ceil(grace / 1800) pods drain at once, still no more than max - min, which the plan's surge covers.
 */
export function scaleDownPeriod(p: CeleryPoolConfig): Seconds {
  return seconds(Math.min(HPA_MAX_POLICY_PERIOD, terminationGracePeriod(p)));
}

/** KEDA's last-replica-to-zero delay: by default the same reasoning as the window, without the HPA's cap. */
export function cooldownPeriod(p: CeleryPoolConfig): Seconds {
  return settings(p).cooldownSeconds ?? softTimeLimit(p);
}

export interface RedisTrigger {
  type: "redis";
  name: string;
  metadata: { address: string; listName: string; listLength: string; databaseIndex: string };
  authenticationRef: { name: string };
}

/** spec of the keda.sh/v1alpha1 ScaledObject, as Kubernetes takes it. */
export interface ScaledObjectSpec {
  scaleTargetRef: { apiVersion: "apps/v1"; kind: "Deployment"; name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  pollingInterval: number;
  cooldownPeriod: number;
  triggers: RedisTrigger[];
  advanced: {
    horizontalPodAutoscalerConfig: {
      behavior: { scaleDown: { stabilizationWindowSeconds: number; selectPolicy: "Max"; policies: { type: "Pods"; value: number; periodSeconds: number }[] } };
    };
    scalingModifiers: { formula: string; target: string; metricType: "AverageValue" };
  };
}

export interface ScaledObjectInput {
  /** The pool's key under celery.workers. */
  readonly pool: string;
  readonly config: CeleryPoolConfig;
  /** The Deployment to scale. */
  readonly deployment: string;
  /** Namespace of the broker's Service: KEDA's operator resolves the address from its own namespace. */
  readonly namespace: string;
  /** The TriggerAuthentication holding the broker password. */
  readonly authentication: string;
}

export function scaledObjectSpec(i: ScaledObjectInput): ScaledObjectSpec {
  const p = i.config;
  const a = settings(p);
  const perReplica = String(tasksPerReplica(p));
  const triggers: RedisTrigger[] = scaledQueues(i.pool, p).flatMap((queue, q) =>
    brokerLists(queue).map((listName, step) => ({
      type: "redis" as const,
      name: `q${q}_p${PRIORITY_STEPS[step]}`,
      metadata: { address: `${REDIS.broker.name}.${i.namespace}.svc:${REDIS.broker.port}`, listName, listLength: perReplica, databaseIndex: String(BROKER_DB) },
      authenticationRef: { name: i.authentication },
    })),
  );
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: i.deployment },
    minReplicaCount: minReplicas(p),
    maxReplicaCount: a.maxReplicas,
    pollingInterval: a.pollingInterval,
    cooldownPeriod: cooldownPeriod(p),
    triggers,
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: { scaleDown: { stabilizationWindowSeconds: scaleDownWindow(p), selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: scaleDownPeriod(p) }] } },
      },
      // The HPA takes the largest of separate metrics; the pool's backlog is the sum over its lists, so
      // one composite metric: ceil(sum / tasksPerReplica) replicas.
      scalingModifiers: { formula: triggers.map((t) => t.name).join(" + "), target: perReplica, metricType: "AverageValue" },
    },
  };
}

/** The TriggerAuthentication's spec: KEDA reads the password from the broker's own Secret. */
export function brokerAuthenticationSpec() {
  return { secretTargetRef: [{ parameter: "password", name: REDIS.broker.secret, key: REDIS.broker.passwordKey }] };
}

function checkPool(c: CeleryConfig, name: string, p: CeleryPoolConfig, a: CeleryAutoscalingConfig): ConfigIssue[] {
  const key = `celery.workers.${name}`;
  const out: ConfigIssue[] = [];
  const min = minReplicas(p);
  if (a.maxReplicas < min) out.push(issue(`${key}.autoscaling.maxReplicas`, `must be at least minReplicas ${min}`, a.maxReplicas));
  if (p.replicas !== undefined && p.replicas !== min) {
    out.push(
      issue(
        `${key}.replicas`,
        `conflicts with autoscaling.minReplicas ${min}: the ScaledObject owns the replica count (${min}..${a.maxReplicas}), so leave replicas unset or equal to minReplicas`,
        p.replicas,
      ),
    );
  }
  const consumed = queues(name, p);
  (a.queues ?? []).forEach((q, i) => {
    if (!consumed.includes(q)) {
      out.push(issue(`${key}.autoscaling.queues.${i}`, `is not a queue this pool consumes (${consumed.join(", ")}): its backlog would add pods that never take its tasks`, q));
    }
  });
  const dq = defaultQueue(c);
  if (min === 0 && c.beat.enabled && consumed.includes(dq) && !a.allowScaleToZero) {
    out.push(
      issue(
        `${key}.autoscaling.minReplicas`,
        `scales the pool that consumes celery.defaultQueue "${dq}" to zero while beat is enabled: scheduled tasks sent there would wait for a cold start ` +
          `(KEDA polls every ${a.pollingInterval} s, then a pod starts within probes.startupTimeout ${p.probes.startupTimeout} s); ` +
          `set autoscaling.allowScaleToZero: true to accept that, or keep minReplicas at 1`,
        0,
      ),
    );
  }
  return out;
}

export function checkAutoscaling(c: CeleryConfig | undefined): ConfigIssue[] {
  if (!c) return [];
  return Object.entries(c.workers).flatMap(([name, p]) => (p.autoscaling ? checkPool(c, name, p, p.autoscaling) : []));
}
