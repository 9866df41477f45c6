// Meilisearch v1 as a single-replica StatefulSet, its indexing memory and threads derived from the limits.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { MeilisearchConfig } from "../../config/schema/meilisearch";
import { seconds } from "../../model/units";
import { MEILISEARCH } from "../shared/endpoints";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { awaitTimeout } from "../shared/await";
import { DATA_VOLUME, headlessService, singleReplicaSpec, volumeClaimTemplate } from "../shared/stateful";
import { allowIngress } from "../shared/wiring";
import { configHash, podTemplate, workload } from "../shared/workload";
import { MEILISEARCH as DESCRIPTOR } from "./descriptor";
import { type MeilisearchSettings, meilisearchEnv, meilisearchSettings, terminationGracePeriod } from "./tuning";

export interface MeilisearchArgs {
  /** Namespace every object goes into. */
  readonly namespace: string;
  /** The validated `meilisearch` stack config. */
  readonly config: MeilisearchConfig;
  /** dev or prod: prod runs MEILI_ENV=production. */
  readonly environment: "dev" | "prod";
  /** A pinned getmeili/meilisearch image. */
  readonly image: string;
  /**
   * UID and GID to run as. The image runs as root by default and has no user of its own; any non-root
   * UID works because /meili_data is the volume (group-writable through fsGroup) and /tmp an emptyDir.
   * @default 1000
   */
  readonly uid?: number;
  /** Name of the Secret holding the master key. @default MEILISEARCH.secret */
  readonly secretName?: string;
  /** The stack-config path of this workload, written on it for the tools. @default "meilisearch" */
  readonly configKey?: string;
  /** Resources that must exist first (the Namespace). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

const DATA_DIR = "/meili_data";
// The image's own layout: the database in a subdirectory, dumps and snapshots beside it on the volume.
const DB_PATH = `${DATA_DIR}/data.ms`;

export class Meilisearch extends pulumi.ComponentResource {
  readonly settings: MeilisearchSettings;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  readonly service: k8s.core.v1.Service;
  /** In-cluster URL of the Service. */
  readonly url: string;
  readonly secretName: string;

  constructor(name: string, args: MeilisearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:data:Meilisearch", name, {}, opts);
    const a = { uid: 1000, secretName: MEILISEARCH.secret, dependsOn: [], configKey: "meilisearch", ...args };
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    const port = MEILISEARCH.port;
    this.secretName = a.secretName;
    this.url = `http://${name}:${port}`;

    this.settings = meilisearchSettings(c, a.environment);
    // A start may take probes.startupTimeout; Pulumi's await on the set and its Service must allow it.
    const waitFor = awaitTimeout(c.probes.startupTimeout);
    const w = workload({ name, namespace: ns, label: "meilisearch", kind: DESCRIPTOR.kind, configKey: a.configKey, tuning: this.settings, annotations: waitFor });
    const { labels, selector } = w;
    const env = meilisearchEnv(this.settings, { dbPath: DB_PATH, port });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-env`,
      { metadata: { name: `${name}-env`, namespace: ns, labels }, data: env },
      child,
    );
    const secret = new k8s.core.v1.Secret(
      a.secretName,
      {
        metadata: { name: a.secretName, namespace: ns, labels },
        type: "Opaque",
        stringData: { [MEILISEARCH.masterKeyKey]: pulumi.secret(c.masterKey.reveal()) },
      },
      child,
    );

    // /health answers without a key and touches no index. A dump import happens before the HTTP server
    // starts, so the startup probe waits probes.startupTimeout; after that, liveness gives 2 minutes.
    const health = { kind: "http" as const, path: "/health", port: "http" };
    const startup: Probe = { ...health, periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: Math.ceil(c.probes.startupTimeout / 10) };
    const readiness: Probe = { ...health, periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: 3 };
    const liveness: Probe = { ...health, periodSeconds: seconds(20), timeoutSeconds: seconds(10), failureThreshold: 6 };

    // The indexer spills sorted chunks to TMPDIR: a disk-backed, sized emptyDir under the read-only root.
    const dirs = writableDirs([{ name: "tmp", mountPath: "/tmp", sizeLimit: formatMemory(c.tmpSize) }]);
    this.service = headlessService(name, { namespace: ns, labels, selector, port: { name: "http", port }, annotations: waitFor }, child);
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...singleReplicaSpec(name, selector),
          template: podTemplate(w, { hash: configHash(JSON.stringify(env)), uid: a.uid }, {
              terminationGracePeriodSeconds: terminationGracePeriod(),
              containers: [
                {
                  name: "meilisearch",
                  image: a.image,
                  ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
                  envFrom: [{ configMapRef: { name: `${name}-env` } }],
                  env: [{ name: "MEILI_MASTER_KEY", valueFrom: { secretKeyRef: { name: a.secretName, key: MEILISEARCH.masterKeyKey } } }],
                  resources: containerResources(c.resources),
                  startupProbe: toK8sProbe(startup),
                  readinessProbe: toK8sProbe(readiness),
                  livenessProbe: toK8sProbe(liveness),
                  securityContext: containerSecurityContext(),
                  volumeMounts: [{ name: DATA_VOLUME, mountPath: DATA_DIR }, ...dirs.mounts],
                },
              ],
              volumes: dirs.volumes,
            }),
          volumeClaimTemplates: [volumeClaimTemplate(labels, c.storage)],
        },
      },
      { ...child, dependsOn: [...a.dependsOn, configMap, secret, this.service] },
    );

    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [port], fromPods: [APP_CLIENT_LABEL] }, child);

    this.registerOutputs({ url: this.url, secretName: this.secretName });
  }
}
