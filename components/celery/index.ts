// Celery: the settings module (a ConfigMap every client mounts), one Deployment per worker pool, and beat.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { CeleryConfig } from "../../config/schema/celery";
import { standardLabels } from "../shared/labels";
import { allowKedaToBroker, brokerAuthentication } from "./scaler";
import { CeleryBeat } from "./beat";
import type { EnvVar } from "./client";
import { renderBeatScheduler, renderFiles, renderPoolEntry, renderProbes, renderShared, sharedSettings } from "./module";
import { poolSettings, type PoolSettings } from "./tuning";
import { CeleryWorkerPool, configHash } from "./worker";

export { clientEnv, clientMount, clientVolume } from "./client";
export { LOAD_LINE } from "./module";

export interface CeleryArgs {
  readonly namespace: string;
  /** The validated `celery` stack config. */
  readonly config: CeleryConfig;
  /** The worker image (worker target digest or pinned reference); beat runs it too. */
  readonly image: pulumi.Input<string>;
  /** Give worker pods Postgres credentials and pool sizes. @default true */
  readonly database?: boolean;
  /** Where the workers reach the database: Postgres, or PgBouncer when postgres.pooler is on. @default POSTGRES */
  readonly databaseAt?: { readonly name: string; readonly port: number };
  /** Derived variables for worker pods, e.g. the browser service's URL. @default [] */
  readonly workerEnv?: readonly EnvVar[];
  /** UID the app image runs as. @default 10001 */
  readonly uid?: number;
  /** @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

export class Celery extends pulumi.ComponentResource {
  /** The ConfigMap other clients (web) mount to load rightsize_celeryconfig. */
  readonly configMapName: string;
  /** Hash of what a non-worker client (web) reads from the ConfigMap. */
  readonly clientConfigHash: string;
  readonly settings: Record<string, PoolSettings>;
  readonly pools: Record<string, CeleryWorkerPool>;
  readonly beat?: CeleryBeat;

  constructor(name: string, args: CeleryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:Celery", name, {}, opts);
    const a = { database: true, workerEnv: [], uid: 10001, dependsOn: [], ...args };
    const c = a.config;
    const ns = a.namespace;
    const labels = standardLabels("celery", name);

    // Children are named from the component: "celery" gives celery-config, celery-worker-<pool>, celery-beat.
    const configMapName = `${name}-config`;
    this.configMapName = configMapName;
    const configMap = new k8s.core.v1.ConfigMap(
      configMapName,
      { metadata: { name: configMapName, namespace: ns, labels }, data: renderFiles(c) },
      { parent: this, dependsOn: a.dependsOn },
    );
    const after = [...a.dependsOn, configMap];
    const shared = renderShared(c);
    const probes = renderProbes();
    this.clientConfigHash = configHash(shared, probes);

    // One TriggerAuthentication serves every autoscaled pool: they all read the broker's password.
    let triggerAuthentication: string | undefined;
    if (Object.values(c.workers).some((p) => p.autoscaling)) {
      triggerAuthentication = `${name}-broker-auth`;
      brokerAuthentication(triggerAuthentication, ns, labels, { parent: this, dependsOn: a.dependsOn });
      allowKedaToBroker(`${name}-allow-keda`, ns, c.kedaNamespace, labels, { parent: this, dependsOn: a.dependsOn });
    }

    this.settings = {};
    this.pools = {};
    for (const pool of Object.keys(c.workers).sort()) {
      const settings = poolSettings(c, pool);
      this.settings[pool] = settings;
      this.pools[pool] = new CeleryWorkerPool(
        `${name}-worker-${pool}`,
        {
          namespace: ns,
          poolName: pool,
          app: c.app,
          pool: c.workers[pool]!,
          settings,
          image: a.image,
          configMap: configMapName,
          configHash: configHash(shared, probes, renderPoolEntry(c, pool)),
          database: a.database,
          ...(a.databaseAt ? { databaseAt: a.databaseAt } : {}),
          extraEnv: a.workerEnv,
          uid: a.uid,
          ...(triggerAuthentication ? { triggerAuthentication } : {}),
          dependsOn: after,
        },
        { parent: this },
      );
    }
    if (c.beat.enabled) {
      this.beat = new CeleryBeat(
        `${name}-beat`,
        {
          namespace: ns,
          app: c.app,
          config: c.beat,
          shared: sharedSettings(c),
          image: a.image,
          configMap: configMapName,
          configHash: configHash(shared, probes, renderBeatScheduler()),
          uid: a.uid,
          dependsOn: after,
        },
        { parent: this },
      );
    }
    this.registerOutputs({ configMap: configMapName });
  }
}
