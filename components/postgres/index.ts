// PostgreSQL 15 as a single-replica StatefulSet, with postgresql.conf derived from the container's limits.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { PostgresConfig } from "../../config/schema/postgres";
import { seconds } from "../../model/units";
import { PGBOUNCER, POSTGRES } from "../shared/endpoints";
import { APP_CLIENT_LABEL, type Labels } from "../shared/labels";
import { userlistLine } from "../pgbouncer/tuning";
import { TUNING_KEY } from "../../model/annotations";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { awaitTimeout } from "../shared/await";
import { DATA_VOLUME, headlessService, singleReplicaSpec, volumeClaimTemplate } from "../shared/stateful";
import { allowIngress } from "../shared/wiring";
import { configHash, podTemplate, workload } from "../shared/workload";
import { POSTGRES as DESCRIPTOR } from "./descriptor";
import { type PostgresSettings, postgresSettings, postgresTuning, renderPostgresConf, SHUTDOWN_TIMEOUT, terminationGracePeriod } from "./tuning";

export interface PostgresArgs {
  /** Namespace every object goes into. */
  readonly namespace: string;
  /** The validated `postgres` stack config. */
  readonly config: PostgresConfig;
  /** A pinned postgres image (the official image's entrypoint and layout are assumed). */
  readonly image: string;
  /** UID and GID the official image's `postgres` user has. @default 999 */
  readonly uid?: number;
  /** Name of the credentials Secret (keys username, password, database). @default POSTGRES.secret */
  readonly secretName?: string;
  /**
   * Pods that may connect: the app's, or only PgBouncer's when the pooler is on (so no client bypasses the
   * pooler and outgrows max_connections). @default [APP_CLIENT_LABEL]
   */
  readonly clients?: readonly Labels[];
  /** Add `userlist.txt` (PgBouncer's auth_file) to the Secret. @default false */
  readonly userlist?: boolean;
  /** The stack-config path of this workload, written on it for the tools. @default "postgres" */
  readonly configKey?: string;
  /** Resources that must exist first (the Namespace). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

const CONF_DIR = "/etc/postgresql";
const DATA_DIR = "/var/lib/postgresql/data";
// A subdirectory: initdb refuses a mount point's root when it holds lost+found.
const PGDATA = `${DATA_DIR}/pgdata`;
const SOCKET_DIR = POSTGRES.socketDir;

/** pg_isready over the socket: 0 accepting, 1 rejecting (starting up or in crash recovery), 2 no answer. */
const PG_ISREADY = `pg_isready -q -h ${SOCKET_DIR} -p ${POSTGRES.port}`;

export class Postgres extends pulumi.ComponentResource {
  readonly settings: PostgresSettings;
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  readonly service: k8s.core.v1.Service;
  /** In-namespace host name of the Service. */
  readonly host: string;
  readonly port: number = POSTGRES.port;
  readonly secretName: string;
  readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:data:Postgres", name, {}, opts);
    const a = { uid: 999, secretName: POSTGRES.secret, dependsOn: [], configKey: "postgres", clients: [APP_CLIENT_LABEL], userlist: false, ...args };
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    this.secretName = a.secretName;
    this.host = name;

    // One derivation for the settings and the config file's explanation of them.
    const tuning = postgresTuning(c);
    this.settings = postgresSettings(c, tuning);
    // A start may take probes.startupTimeout; Pulumi's await on the set and its Service must allow it.
    const waitFor = awaitTimeout(c.probes.startupTimeout);
    // The backend and /dev/shm costs travel with the tuning so the memory-fit policy checks the derivation's own numbers.
    const tuningAnnotation = { ...this.settings, [TUNING_KEY.postgresBackendMemory]: c.backendMemory, [TUNING_KEY.postgresShm]: c.shmSize };
    const w = workload({ name, namespace: ns, label: "postgres", kind: DESCRIPTOR.kind, configKey: a.configKey, tuning: tuningAnnotation, annotations: waitFor });
    const { labels, selector } = w;
    const conf = renderPostgresConf(c, tuning);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace: ns, labels }, data: { "postgresql.conf": conf } },
      child,
    );
    const K = POSTGRES.keys;
    const secret = new k8s.core.v1.Secret(
      a.secretName,
      {
        metadata: { name: a.secretName, namespace: ns, labels },
        type: "Opaque",
        stringData: {
          [K.username]: c.username,
          [K.database]: c.database,
          [K.password]: pulumi.secret(c.password.reveal()),
          ...(a.userlist ? { [PGBOUNCER.userlistKey]: pulumi.secret(userlistLine(c.username, c.password.reveal())) } : {}),
        },
      },
      child,
    );
    const fromSecret = (env: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name: a.secretName, key } } });

    // The socket dir and /tmp are writable emptyDirs under a read-only root; /dev/shm is memory-backed
    // and sized, because Docker's 64MB default is too small for parallel query and its pages count
    // against the memory limit (checkPostgres counts them).
    const dirs = writableDirs([
      { name: "run", mountPath: SOCKET_DIR, sizeLimit: "16Mi" },
      { name: "tmp", mountPath: "/tmp", sizeLimit: "256Mi" },
      { name: "shm", mountPath: "/dev/shm", medium: "Memory", sizeLimit: formatMemory(c.shmSize) },
    ]);
    const respondsCmd = ["sh", "-c", `${PG_ISREADY}; [ $? -le 1 ]`];
    // Startup: the server answering at all (even "rejecting" during initdb or crash recovery) ends it;
    // it fails only if nothing answers for probes.startupTimeout.
    const startup: Probe = { kind: "exec", command: respondsCmd, periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: Math.ceil(c.probes.startupTimeout / 10) };
    // Readiness: accepting connections.
    const readiness: Probe = { kind: "exec", command: ["sh", "-c", PG_ISREADY], periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: 3 };
    // Liveness: answering, even while rejecting (in-place crash recovery after a backend crash), with
    // generous timeouts: a restart would only start recovery over. Six misses 20 s apart: 2 minutes.
    const liveness: Probe = { kind: "exec", command: respondsCmd, periodSeconds: seconds(20), timeoutSeconds: seconds(10), failureThreshold: 6 };

    this.service = headlessService(name, { namespace: ns, labels, selector, port: { name: "postgres", port: POSTGRES.port }, annotations: waitFor }, child);
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...singleReplicaSpec(name, selector),
          // A new postgresql.conf restarts the server, which is what most of these settings need.
          template: podTemplate(w, { hash: configHash(conf), uid: a.uid }, {
            terminationGracePeriodSeconds: terminationGracePeriod(),
            containers: [
              {
                name: "postgres",
                image: a.image,
                // The image's entrypoint runs initdb on an empty volume, then postgres with these args.
                args: ["-c", `config_file=${CONF_DIR}/postgresql.conf`],
                ports: [{ name: "postgres", containerPort: POSTGRES.port, protocol: "TCP" }],
                env: [
                  fromSecret("POSTGRES_USER", K.username),
                  fromSecret("POSTGRES_PASSWORD", K.password),
                  fromSecret("POSTGRES_DB", K.database),
                  { name: "PGDATA", value: PGDATA },
                ],
                resources: containerResources(c.resources),
                startupProbe: toK8sProbe(startup),
                readinessProbe: toK8sProbe(readiness),
                livenessProbe: toK8sProbe(liveness),
                // SIGTERM is a smart shutdown that waits for every client to leave; fast shutdown rolls
                // back open transactions and checkpoints, within the grace period.
                lifecycle: { preStop: { exec: { command: ["sh", "-c", `pg_ctl stop -D "$PGDATA" -m fast -w -t ${SHUTDOWN_TIMEOUT} || true`] } } },
                securityContext: containerSecurityContext(),
                volumeMounts: [
                  { name: DATA_VOLUME, mountPath: DATA_DIR },
                  { name: "config", mountPath: CONF_DIR, readOnly: true },
                  ...dirs.mounts,
                ],
              },
            ],
            volumes: [{ name: "config", configMap: { name: `${name}-config` } }, ...dirs.volumes],
          }),
          volumeClaimTemplates: [volumeClaimTemplate(labels, c.storage)],
        },
      },
      { ...child, dependsOn: [...a.dependsOn, configMap, secret, this.service] },
    );

    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [POSTGRES.port], fromPods: a.clients }, child);

    this.secret = secret;
    this.registerOutputs({ host: this.host, port: this.port, secretName: this.secretName });
  }
}
