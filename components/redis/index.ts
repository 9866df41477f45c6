// One Redis 7.0 instance as a single-replica StatefulSet, with redis.conf derived from the container's
// memory limit and the instance's role (broker, cache or shared).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { RedisInstanceConfig } from "../../config/schema/redis";
import { seconds } from "../../model/units";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { DATA_VOLUME, headlessService, singleReplicaSpec, volumeClaimTemplate } from "../shared/stateful";
import { allowIngress } from "../shared/wiring";
import { configHash, podTemplate, workload } from "../shared/workload";
import { REDIS as DESCRIPTOR } from "./descriptor";
import { persistent, type RedisSettings, redisSettings, renderRedisConf, requirepassLine, roleWarning, terminationGracePeriod } from "./tuning";

export interface RedisArgs {
  /** Namespace every object goes into. */
  readonly namespace: string;
  /** The validated `redis.<instance>` stack config. */
  readonly config: RedisInstanceConfig;
  /** A pinned redis image. */
  readonly image: string;
  /** Service port. @default 6379 */
  readonly port?: number;
  /** Name of the Secret; clients read its `password` key. @default `${name}-credentials` */
  readonly secretName?: string;
  /** Key of the password in the Secret. @default "password" */
  readonly passwordKey?: string;
  /** UID and GID the official image's `redis` user has. @default 999 */
  readonly uid?: number;
  /** The stack-config path of this instance (`redis.broker`), written on it for the tools. */
  readonly configKey: string;
  /** Resources that must exist first (the Namespace). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

const CONF_DIR = "/etc/redis";
// Not under CONF_DIR: a mount point inside a read-only volume cannot be created.
const AUTH_DIR = "/etc/redis-auth";
const AUTH_KEY = "auth.conf";

export class Redis extends pulumi.ComponentResource {
  readonly settings: RedisSettings;
  readonly role: RedisInstanceConfig["role"];
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  readonly service: k8s.core.v1.Service;
  /** In-namespace host name of the Service. */
  readonly host: string;
  readonly port: number;
  readonly secretName: string;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:data:Redis", name, {}, opts);
    const a = { port: 6379, secretName: `${name}-credentials`, passwordKey: "password", uid: 999, dependsOn: [], ...args };
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    this.host = name;
    this.port = a.port;
    this.secretName = a.secretName;
    this.role = c.role;

    this.settings = redisSettings(c);
    const w = workload({ name, namespace: ns, label: "redis", kind: DESCRIPTOR.kind, configKey: a.configKey, tuning: this.settings, role: c.role });
    const { labels, selector } = w;
    const warning = roleWarning(c, name);
    if (warning) pulumi.log.warn(warning, this);

    const conf = renderRedisConf(this.settings, { port: a.port, authFile: `${AUTH_DIR}/${AUTH_KEY}`, role: c.role });
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${name}-config`, namespace: ns, labels }, data: { "redis.conf": conf } },
      child,
    );
    // The password reaches Redis as a config file included by redis.conf, so it is in neither the
    // ConfigMap nor the process's command line; clients and probes read the plain `password` key.
    const secret = new k8s.core.v1.Secret(
      a.secretName,
      {
        metadata: { name: a.secretName, namespace: ns, labels },
        type: "Opaque",
        stringData: { [a.passwordKey]: pulumi.secret(c.password.reveal()), [AUTH_KEY]: pulumi.secret(requirepassLine(c.password.reveal())) },
      },
      child,
    );

    const cli = `redis-cli -h 127.0.0.1 -p ${a.port} ping 2>&1`;
    // LOADING: replaying a big AOF; the server is alive, so liveness (and startup) accept it.
    const aliveCmd = ["sh", "-c", `r="$(${cli})"; case "$r" in PONG|LOADING*) exit 0;; esac; echo "$r"; exit 1`];
    const startup: Probe = { kind: "exec", command: aliveCmd, periodSeconds: seconds(5), timeoutSeconds: seconds(3), failureThreshold: 24 };
    const readiness: Probe = { kind: "exec", command: ["sh", "-c", `r="$(${cli})"; [ "$r" = PONG ] || { echo "$r"; exit 1; }`], periodSeconds: seconds(10), timeoutSeconds: seconds(3), failureThreshold: 3 };
    const liveness: Probe = { kind: "exec", command: aliveCmd, periodSeconds: seconds(15), timeoutSeconds: seconds(5), failureThreshold: 4 };

    const isPersistent = persistent(c);
    // Without persistence Redis writes nothing to /data, so no claim: a small emptyDir keeps dir writable.
    const dirs = writableDirs(isPersistent ? [] : [{ name: DATA_VOLUME, mountPath: "/data", sizeLimit: "64Mi" }]);

    this.service = headlessService(name, { namespace: ns, labels, selector, port: { name: "redis", port: a.port } }, child);
    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...singleReplicaSpec(name, selector),
          template: podTemplate(w, { hash: configHash(conf), uid: a.uid }, {
              terminationGracePeriodSeconds: terminationGracePeriod(),
              containers: [
                {
                  name: "redis",
                  image: a.image,
                  command: ["redis-server", `${CONF_DIR}/redis.conf`],
                  ports: [{ name: "redis", containerPort: a.port, protocol: "TCP" }],
                  // redis-cli in the probes authenticates with this, without a password on its command line.
                  env: [{ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: a.secretName, key: a.passwordKey } } }],
                  resources: containerResources(c.resources),
                  startupProbe: toK8sProbe(startup),
                  readinessProbe: toK8sProbe(readiness),
                  livenessProbe: toK8sProbe(liveness),
                  securityContext: containerSecurityContext(),
                  volumeMounts: [
                    ...(isPersistent ? [{ name: DATA_VOLUME, mountPath: "/data" }] : []),
                    { name: "config", mountPath: CONF_DIR, readOnly: true },
                    { name: "auth", mountPath: AUTH_DIR, readOnly: true },
                    ...dirs.mounts,
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: `${name}-config` } },
                { name: "auth", secret: { secretName: a.secretName, items: [{ key: AUTH_KEY, path: AUTH_KEY }], defaultMode: 0o440 } },
                ...dirs.volumes,
              ],
            }),
          ...(isPersistent ? { volumeClaimTemplates: [volumeClaimTemplate(labels, c.storage)] } : {}),
        },
      },
      { ...child, dependsOn: [...a.dependsOn, configMap, secret, this.service] },
    );

    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [a.port], fromPods: [APP_CLIENT_LABEL] }, child);

    this.registerOutputs({ host: this.host, port: this.port, role: this.role, secretName: this.secretName });
  }
}
