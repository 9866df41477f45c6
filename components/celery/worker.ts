// One Celery worker pool: a Deployment consuming its queues, tuned from its own limits.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { CeleryPoolConfig } from "../../config/schema/celery";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { autoscaledRollingUpdate, rollingUpdate } from "../../model/rollout";
import { TUNING_KEY } from "../../model/annotations";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { podDisruptionBudget } from "../shared/wiring";
import { type CeleryProcessArgs, clientEnv, clientMount, clientVolume, databaseEnv, type EnvVar, plainEnv } from "./client";
import { celeryProbes, POOL_ENV, REMAP_SIGTERM_ENV, STATE_DIR } from "./module";
import { scaledObject } from "./scaler";
import { maxReplicas, type PoolSettings, terminationGracePeriod } from "./tuning";
import { configHash as sha256, podTemplate, workload } from "../shared/workload";
import { CELERY_WORKER } from "./descriptor";

export interface CeleryWorkerPoolArgs extends CeleryProcessArgs {
  /** The pool's name (the key under celery.workers). */
  readonly poolName: string;
  /** The pool's validated config (celery.workers.<pool>). */
  readonly pool: CeleryPoolConfig;
  /** Its derived settings (tuning.poolSettings). */
  readonly settings: PoolSettings;
  /** Give the pods Postgres credentials and pool sizes. @default true */
  readonly database?: boolean;
  /** Where the database is reached: Postgres, or PgBouncer when postgres.pooler is on. @default POSTGRES */
  readonly databaseAt?: { readonly name: string; readonly port: number };
  /** Extra derived variables (e.g. the browser service's URL). @default [] */
  readonly extraEnv?: readonly EnvVar[];
  /** The TriggerAuthentication for the broker; required when the pool autoscales. */
  readonly triggerAuthentication?: string;
}


export class CeleryWorkerPool extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: CeleryWorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:CeleryWorkerPool", name, {}, opts);
    const a = { uid: 10001, database: true, extraEnv: [], dependsOn: [], ...args };
    const p = a.pool;
    const s = a.settings;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    const poolName = a.poolName;
    // The parent's memory travels with the tuning so the memory-fit policy checks the derivation's own numbers.
    const tuning = { ...s, [TUNING_KEY.celeryParentMemory]: p.parentMemory };
    const w = workload({ name, namespace: ns, label: CELERY_WORKER.kind, kind: CELERY_WORKER.kind, configKey: `celery.workers.${poolName}`, tuning, role: poolName });
    const { labels, selector } = w;
    const most = maxReplicas(p);

    const dirs = writableDirs([
      { name: "state", mountPath: STATE_DIR, sizeLimit: "1Mi" },
      { name: "tmp", mountPath: "/tmp", sizeLimit: "256Mi" },
    ]);
    const probes = celeryProbes({ startupTimeout: p.probes.startupTimeout, readinessPeriod: 10, heartbeatMaxAge: p.probes.heartbeatMaxAge });

    const env: EnvVar[] = [
      { name: POOL_ENV, value: poolName },
      // With a soft-shutdown window, SIGTERM must start Celery's cold shutdown, which (>= 5.5) first gives
      // running tasks worker_soft_shutdown_timeout seconds, then cancels and requeues them.
      ...(p.softShutdownWindow !== undefined ? [{ name: REMAP_SIGTERM_ENV, value: "SIGQUIT" }] : []),
      ...clientEnv(),
      ...(a.database ? databaseEnv(p.database, a.databaseAt) : []),
      ...a.extraEnv,
      ...plainEnv(p.env),
    ];
    const command = [
      "celery", "--app", a.app, "worker",
      "--loglevel", "INFO",
      "--queues", s.queues.join(","),
      "--hostname", `${poolName}@%h`,
      // Gossip and mingle add broker traffic per worker and nothing a pool of equals needs; the heartbeat
      // (which the liveness probe reads) stays on.
      "--without-gossip", "--without-mingle",
    ];

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          // With autoscaling the ScaledObject owns the count; setting it here would reset it on every `pulumi up`.
          ...(p.autoscaling ? {} : { replicas: most }),
          selector: { matchLabels: selector },
          // "100%" with autoscaling: the drain rule at whatever count KEDA has set; the plan reads it at the max.
          strategy: p.autoscaling ? autoscaledRollingUpdate("drain") : rollingUpdate("drain", most),
          template: podTemplate(w, { hash: a.configHash, labels: APP_CLIENT_LABEL, uid: a.uid }, {
              terminationGracePeriodSeconds: terminationGracePeriod(p),
              containers: [
                {
                  name: "worker",
                  image: a.image,
                  command,
                  env,
                  resources: containerResources(p.resources),
                  ...probes,
                  securityContext: containerSecurityContext(),
                  volumeMounts: [clientMount(), ...dirs.mounts],
                },
              ],
              volumes: [clientVolume(a.configMap), ...dirs.volumes],
            }),
        },
      },
      child,
    );
    if (most > 1) podDisruptionBudget(name, { namespace: ns, labels, selector }, child);
    if (p.autoscaling) {
      if (!a.triggerAuthentication) throw new Error(`${name}: an autoscaled pool needs the broker's TriggerAuthentication`);
      const input = { pool: poolName, config: p, deployment: name, namespace: ns, authentication: a.triggerAuthentication };
      scaledObject(name, input, labels, { ...child, dependsOn: [...a.dependsOn, this.deployment] });
    }
    this.registerOutputs({ concurrency: s.worker_concurrency });
  }
}

/** sha256 of the parts of the settings module one pod reads, each ended by a NUL so no two splits collide. */
export function configHash(...parts: string[]): string {
  return sha256(parts.map((part) => `${part}\0`).join(""));
}
