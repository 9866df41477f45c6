// The web service: Flask under gunicorn, with its settings derived from the container's limits.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { WebConfig } from "../../config/schema/web";
import { seconds } from "../../model/units";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { autoscalerMin } from "../../model/rollout";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { allowIngress, clusterService, podDisruptionBudget } from "../shared/wiring";
import { configHash, oneAtATime, podTemplate, workload } from "../shared/workload";
import { WEB } from "./descriptor";
import { type GunicornSettings, gunicornSettings, renderGunicornConf, terminationGracePeriod, workerCount } from "./tuning";

export interface WebServiceArgs {
  /** Namespace every object goes into. */
  readonly namespace: string;
  /** The validated `web` stack config. */
  readonly config: WebConfig;
  /** The app image (web target): a pinned reference, or the digest a build produced. */
  readonly image: pulumi.Input<string>;
  /** The stack-config path of this workload, written on it for the tools. @default "web" */
  readonly configKey?: string;
  /** UID the app image runs as. @default 10001 */
  readonly uid?: number;
  /** Resources that must exist first (the Namespace). @default [] */
  readonly dependsOn?: pulumi.Resource[];
  /**
   * What other components give the web pods (e.g. the Celery settings module and the broker password, so
   * the app can send tasks): variables placed before `env`, volumes, and config hashes that roll the pods.
   * @default none
   */
  readonly clientOf?: {
    readonly env?: readonly k8s.types.input.core.v1.EnvVar[];
    readonly volumes?: readonly k8s.types.input.core.v1.Volume[];
    readonly volumeMounts?: readonly k8s.types.input.core.v1.VolumeMount[];
    readonly podAnnotations?: Readonly<Record<string, string>>;
  };
}

const CONF_DIR = "/etc/gunicorn";
const SERVICE_PORT = 80;

export class WebService extends pulumi.ComponentResource {
  readonly settings: GunicornSettings;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  /** In-cluster DNS name of the Service. */
  readonly url: string;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:WebService", name, {}, opts);
    const a = { uid: 10001, dependsOn: [], clientOf: {}, configKey: "web", ...args };
    const client = a.clientOf;
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    const workers = workerCount(c);
    this.settings = gunicornSettings(c, workers);
    const w = workload({ name, namespace: ns, label: "web", kind: WEB.kind, configKey: a.configKey, tuning: this.settings });
    const { labels, selector } = w;
    const conf = renderGunicornConf(this.settings, workers.why);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-gunicorn`,
      { metadata: { name: `${name}-gunicorn`, namespace: ns, labels }, data: { "gunicorn.conf.py": conf } },
      child,
    );

    const port = { name: "http", containerPort: c.port, protocol: "TCP" };
    const dirs = writableDirs([{ name: "tmp", mountPath: "/tmp", sizeLimit: "64Mi" }]);
    const p = c.probes;
    // Startup: covers imports and app init (a production Flask app with heavy imports needed 45 s); checked every 5 s so a fast
    // start is not held back, failing only after probes.startupTimeout. Hits the backend-free path.
    const startup: Probe = { kind: "http", path: p.livenessPath, port: "http", periodSeconds: seconds(5), timeoutSeconds: seconds(3), failureThreshold: Math.ceil(p.startupTimeout / 5) };
    // Readiness: may touch backends; 5 s timeout because 1-3 s timeouts were seen to fail under load, and three
    // misses (30 s) before the pod leaves the Service so one slow request does not drop it.
    const readiness: Probe = { kind: "http", path: p.readinessPath, port: "http", periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: 3 };
    // Liveness: backend-free path; a sync worker may be busy for a long request, so 10 s timeout and
    // three misses 15 s apart (45 s) before a restart.
    const liveness: Probe = { kind: "http", path: p.livenessPath, port: "http", periodSeconds: seconds(15), timeoutSeconds: seconds(10), failureThreshold: 3 };

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...oneAtATime(w, c.replicas, Boolean(c.autoscaling)),
          // A new gunicorn.conf.py rolls the pods.
          template: podTemplate(w, { hash: configHash(conf), labels: APP_CLIENT_LABEL, annotations: client.podAnnotations, uid: a.uid }, {
            terminationGracePeriodSeconds: terminationGracePeriod(c.gunicorn),
            containers: [
              {
                name: "web",
                image: a.image,
                command: ["gunicorn", "--config", `${CONF_DIR}/gunicorn.conf.py`],
                ports: [port],
                env: [...(client.env ?? []), ...Object.entries(c.env).map(([k, v]) => ({ name: k, value: v }))],
                resources: containerResources(c.resources),
                startupProbe: toK8sProbe(startup),
                readinessProbe: toK8sProbe(readiness),
                livenessProbe: toK8sProbe(liveness),
                securityContext: containerSecurityContext(),
                volumeMounts: [{ name: "config", mountPath: CONF_DIR, readOnly: true }, ...dirs.mounts, ...(client.volumeMounts ?? [])],
              },
            ],
            volumes: [{ name: "config", configMap: { name: `${name}-gunicorn` } }, ...dirs.volumes, ...(client.volumes ?? [])],
          }),
        },
      },
      { ...child, dependsOn: [...a.dependsOn, configMap] },
    );

    this.service = clusterService(name, { namespace: ns, labels, selector, ports: [{ name: "http", port: SERVICE_PORT }] }, child);
    this.url = `http://${name}.${ns}.svc.cluster.local`;

    if (c.autoscaling || c.replicas > 1) {
      podDisruptionBudget(name, { namespace: ns, labels, selector }, child);
    }
    if (c.autoscaling) {
      const as = c.autoscaling;
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        name,
        {
          metadata: { name, namespace: ns, labels },
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
            minReplicas: autoscalerMin(as.minReplicas, c.replicas),
            maxReplicas: as.maxReplicas,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: as.targetCPUUtilization } } }],
          },
        },
        { ...child, dependsOn: [...a.dependsOn, this.deployment] },
      );
    }
    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [c.port], fromAnywhere: true }, child);

    this.registerOutputs({ url: this.url, workers: this.settings.workers });
  }
}
