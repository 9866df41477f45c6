// Celery beat: a singleton (replicas 1, Recreate) whose schedule state lives on a writable volume.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { CeleryBeatConfig } from "../../config/schema/celery";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { type CeleryProcessArgs, clientEnv, clientMount, clientVolume, plainEnv, type Volume } from "./client";
import { BEAT_DIR, celeryProbes, sharedSettings, STATE_DIR } from "./module";
import { podTemplate, workload } from "../shared/workload";
import { CELERY_BEAT } from "./descriptor";

export interface CeleryBeatArgs extends CeleryProcessArgs {
  readonly config: CeleryBeatConfig;
  /** Shared settings, for the tuning annotation (beat_* as Celery spells them). */
  readonly shared: ReturnType<typeof sharedSettings>;
}


export class CeleryBeat extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: CeleryBeatArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:CeleryBeat", name, {}, opts);
    const a = { uid: 10001, dependsOn: [], ...args };
    const b = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    const tuning = {
      beat_schedule_filename: a.shared.beat_schedule_filename,
      beat_scheduler: a.shared.beat_scheduler,
      beat_max_loop_interval: b.maxLoopInterval,
      replicas: 1,
    };
    const w = workload({ name, namespace: ns, label: CELERY_BEAT.kind, kind: CELERY_BEAT.kind, configKey: "celery.beat", tuning });
    const { labels, selector } = w;

    // The schedule file holds each entry's last run. On an emptyDir it survives container restarts (the
    // common case) and is lost with the pod: beat then starts fresh and skips runs missed while it was
    // down. On a PVC it survives rescheduling too, and beat runs a missed entry once when it comes back.
    let schedule: Volume;
    if (b.schedule.volume === "persistentVolumeClaim") {
      new k8s.core.v1.PersistentVolumeClaim(
        `${name}-schedule`,
        {
          metadata: { name: `${name}-schedule`, namespace: ns, labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: formatMemory(b.schedule.size) } },
            ...(b.schedule.storageClassName ? { storageClassName: b.schedule.storageClassName } : {}),
          },
        },
        child,
      );
      schedule = { name: "schedule", persistentVolumeClaim: { claimName: `${name}-schedule` } };
    } else {
      schedule = { name: "schedule", emptyDir: { sizeLimit: formatMemory(b.schedule.size) } };
    }
    const dirs = writableDirs([
      { name: "state", mountPath: STATE_DIR, sizeLimit: "1Mi" },
      { name: "tmp", mountPath: "/tmp", sizeLimit: "64Mi" },
    ]);

    // Beat ticks at least every maxLoopInterval; three missed ticks while the broker answers means stuck.
    const probes = celeryProbes({ startupTimeout: 120, readinessPeriod: 30, heartbeatMaxAge: 3 * b.maxLoopInterval });


    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          // Never two beats, not even for the length of a rollout: the old one stops before the new starts.
          strategy: { type: "Recreate" },
          template: podTemplate(w, { hash: a.configHash, labels: APP_CLIENT_LABEL, uid: a.uid }, {
              // Beat saves its schedule and exits within seconds of SIGTERM.
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "beat",
                  image: a.image,
                  command: ["celery", "--app", a.app, "beat", "--loglevel", "INFO"],
                  env: [...clientEnv(), ...plainEnv(b.env)],
                  resources: containerResources(b.resources),
                  ...probes,
                  securityContext: containerSecurityContext(),
                  volumeMounts: [clientMount(), { name: "schedule", mountPath: BEAT_DIR }, ...dirs.mounts],
                },
              ],
              volumes: [clientVolume(a.configMap), schedule, ...dirs.volumes],
            }),
        },
      },
      child,
    );
    this.registerOutputs({});
  }
}
