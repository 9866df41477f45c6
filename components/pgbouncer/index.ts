// PgBouncer 1.18 in transaction pooling between the app and Postgres: a Deployment, its Service, the
// pgbouncer.ini ConfigMap, and the allow rule from the app's pods. The password reaches it as
// userlist.txt from the Postgres Secret, mounted as a file, never in the ConfigMap or the command line.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { PoolerConfig } from "../../config/schema/postgres";
import { rollingUpdate } from "../../model/rollout";
import { seconds } from "../../model/units";
import { PGBOUNCER, POSTGRES } from "../shared/endpoints";
import { APP_CLIENT_LABEL, type Labels, selectorLabels } from "../shared/labels";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { allowIngress, podDisruptionBudget } from "../shared/wiring";
import { configHash, podTemplate, workload } from "../shared/workload";
import { PGBOUNCER as DESCRIPTOR } from "./descriptor";
import { type PgbouncerSettings, pgbouncerSettings, type PoolerPlan, renderPgbouncerIni } from "./tuning";

export interface PgbouncerArgs {
  /** Namespace every object goes into. */
  readonly namespace: string;
  /** The validated `postgres.pooler` stack config. */
  readonly config: PoolerConfig;
  /** The derivation (tuning.stackPooler), with the app's demand already added up. */
  readonly plan: PoolerPlan;
  /** The database and user the app connects as (postgres.database, postgres.username). */
  readonly database: string;
  readonly user: string;
  /** A pinned PgBouncer 1.18 image whose `pgbouncer` binary is on PATH. */
  readonly image: string;
  /** UID and GID of the image's unprivileged user (edoburu/pgbouncer: 70). @default 70 */
  readonly uid?: number;
  /** The Postgres Secret holding `userlist.txt`. @default POSTGRES.secret */
  readonly secretName?: string;
  /** Resources that must exist first (the Namespace, the Postgres Secret). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

/** The pods' `app.kubernetes.io/name`: with the name, their selector, which Postgres' allow rule admits. */
const LABEL = "pgbouncer";
export const pgbouncerSelector = (name: string): Labels => selectorLabels(LABEL, name);

const CONF_DIR = "/etc/pgbouncer";
// Not under CONF_DIR: a mount point inside a read-only volume cannot be created.
const AUTH_DIR = "/etc/pgbouncer-auth";

/**
 * SIGINT is PgBouncer 1.18's safe shutdown (PAUSE, then exit once every server connection is released:
 * running transactions finish); SIGTERM is its immediate shutdown, which drops them. The kubelet sends
 * SIGTERM as soon as the preStop hook returns, so the hook waits for PgBouncer to exit (within the grace
 * period). The sleep first lets the Service stop sending new clients.
 */
export const SHUTDOWN = { drainSeconds: 5, gracePeriodSeconds: 60 } as const;

/** The preStop hook: drain, safe shutdown of PID 1 (PgBouncer), and wait until it has exited. */
export const PRE_STOP = `sleep ${SHUTDOWN.drainSeconds}; kill -INT 1; while kill -0 1 2>/dev/null; do sleep 1; done`;

export class Pgbouncer extends pulumi.ComponentResource {
  readonly settings: PgbouncerSettings;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  /** In-namespace host name of the Service. */
  readonly host: string;
  readonly port: number = PGBOUNCER.port;
  /** The pods' selector labels: Postgres admits these. */
  readonly selector: Labels;

  constructor(name: string, args: PgbouncerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:data:Pgbouncer", name, {}, opts);
    const a = { uid: 70, secretName: POSTGRES.secret, dependsOn: [], ...args };
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    this.host = name;

    this.settings = pgbouncerSettings(a.plan);
    const w = workload({ name, namespace: ns, label: LABEL, kind: DESCRIPTOR.kind, configKey: "postgres.pooler", tuning: this.settings });
    const { labels, selector } = w;
    this.selector = selector;
    const ini = renderPgbouncerIni(a.plan, this.settings, {
      host: POSTGRES.name,
      port: POSTGRES.port,
      database: a.database,
      user: a.user,
      listenPort: PGBOUNCER.port,
      authFile: `${AUTH_DIR}/${PGBOUNCER.userlistKey}`,
    });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace: ns, labels }, data: { "pgbouncer.ini": ini } },
      child,
    );

    // PgBouncer accepting TCP is what clients need; a query probe would count a Postgres outage against
    // the pooler and restart it for nothing (clients wait query_wait_timeout for a server instead).
    const readiness: Probe = { kind: "tcp", port: "pgbouncer", periodSeconds: seconds(5), timeoutSeconds: seconds(2), failureThreshold: 2 };
    const liveness: Probe = { kind: "tcp", port: "pgbouncer", periodSeconds: seconds(20), timeoutSeconds: seconds(5), failureThreshold: 3 };
    const dirs = writableDirs([{ name: "tmp", mountPath: "/tmp", sizeLimit: "16Mi" }]);

    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name, namespace: ns, labels },
        spec: { selector, ports: [{ name: "pgbouncer", port: PGBOUNCER.port, targetPort: "pgbouncer", protocol: "TCP" }] },
      },
      child,
    );
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          replicas: c.replicas,
          selector: { matchLabels: selector },
          // The surge pod is counted: each pod's max_db_connections is a share of (replicas + 1).
          strategy: rollingUpdate("one-at-a-time", c.replicas),
          template: podTemplate(w, { hash: configHash(ini), uid: a.uid }, {
            terminationGracePeriodSeconds: SHUTDOWN.gracePeriodSeconds,
            containers: [
              {
                name: "pgbouncer",
                image: a.image,
                command: ["pgbouncer", `${CONF_DIR}/pgbouncer.ini`],
                ports: [{ name: "pgbouncer", containerPort: PGBOUNCER.port, protocol: "TCP" }],
                resources: containerResources(c.resources),
                readinessProbe: toK8sProbe(readiness),
                livenessProbe: toK8sProbe(liveness),
                lifecycle: { preStop: { exec: { command: ["sh", "-c", PRE_STOP] } } },
                securityContext: containerSecurityContext(),
                volumeMounts: [
                  { name: "config", mountPath: CONF_DIR, readOnly: true },
                  { name: "auth", mountPath: AUTH_DIR, readOnly: true },
                  ...dirs.mounts,
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: `${name}-config` } },
              { name: "auth", secret: { secretName: a.secretName, items: [{ key: PGBOUNCER.userlistKey, path: PGBOUNCER.userlistKey }], defaultMode: 0o440 } },
              ...dirs.volumes,
            ],
          }),
        },
      },
      { ...child, dependsOn: [...a.dependsOn, configMap, this.service] },
    );

    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [PGBOUNCER.port], fromPods: [APP_CLIENT_LABEL] }, child);
    if (c.replicas > 1) podDisruptionBudget(name, { namespace: ns, labels, selector }, child);

    this.registerOutputs({ host: this.host, port: this.port });
  }
}
