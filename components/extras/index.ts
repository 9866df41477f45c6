// A generic small service (Flower, Mailpit, a frontend, another app service): pinned image, required
// resources and probes, the same secure pod defaults as every other workload.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { ExtraConfig } from "../../config/schema/extras";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, writableDirs } from "../shared/security";
import { allowIngress, clusterService, podDisruptionBudget } from "../shared/wiring";
import { extraTuning, toProbe } from "./tuning";
import { oneAtATime, podTemplate, workload } from "../shared/workload";
import { EXTRA } from "./descriptor";

export interface ExtraServiceArgs {
  readonly namespace: string;
  /** The validated `extras.<name>` config. */
  readonly config: ExtraConfig;
  /** @default [] */
  readonly dependsOn?: pulumi.Resource[];
}


export class ExtraService extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service?: k8s.core.v1.Service;

  constructor(name: string, args: ExtraServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:ExtraService", name, {}, opts);
    const a = { dependsOn: [], ...args };
    const e = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    const w = workload({ name, namespace: ns, label: name, kind: EXTRA.kind, configKey: `extras.${name}`, tuning: extraTuning(e) });
    const { labels, selector } = w;

    const ports = [
      ...(e.port !== undefined ? [{ name: "main", containerPort: e.port, protocol: "TCP" }] : []),
      ...Object.entries(e.extraPorts).map(([n, p]) => ({ name: n, containerPort: p, protocol: "TCP" })),
    ];
    const dirs = writableDirs(
      Object.entries(e.writableDirs).map(([path, size], i) => ({ name: `writable-${i}`, mountPath: path, sizeLimit: formatMemory(size) })),
    );
    const env = [
      // Secret-backed variables first, so plain ones may refer to them as $(NAME).
      ...Object.entries(e.secretEnv).map(([k, r]) => ({ name: k, valueFrom: { secretKeyRef: { name: r.secret, key: r.key } } })),
      ...Object.entries(e.env).map(([k, v]) => ({ name: k, value: v })),
    ];
    const probes = e.probes;

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...oneAtATime(w, e.replicas),
          template: podTemplate(w, { labels: e.appClient ? APP_CLIENT_LABEL : {}, uid: e.uid }, {
              terminationGracePeriodSeconds: e.terminationGracePeriodSeconds,
              containers: [
                {
                  name,
                  image: e.image,
                  ...(e.command ? { command: e.command } : {}),
                  ...(e.args ? { args: e.args } : {}),
                  ...(ports.length > 0 ? { ports } : {}),
                  env,
                  resources: containerResources(e.resources),
                  ...(probes.startup ? { startupProbe: toK8sProbe(toProbe(probes.startup, e.port)) } : {}),
                  readinessProbe: toK8sProbe(toProbe(probes.readiness, e.port)),
                  livenessProbe: toK8sProbe(toProbe(probes.liveness, e.port)),
                  securityContext: containerSecurityContext({ readOnlyRootFilesystem: e.readOnlyRootFilesystem }),
                  volumeMounts: dirs.mounts,
                },
              ],
              volumes: dirs.volumes,
            }),
        },
      },
      child,
    );

    if (ports.length > 0) {
      this.service = clusterService(name, { namespace: ns, labels, selector, ports: ports.map((p) => ({ name: p.name, port: p.containerPort })) }, child);
      if (e.allowFrom !== "none") {
        allowIngress(
          `${name}-allow`,
          { namespace: ns, labels, selector, ports: ports.map((p) => p.containerPort), ...(e.allowFrom === "anywhere" ? { fromAnywhere: true } : { fromPods: [APP_CLIENT_LABEL] }) },
          child,
        );
      }
    }
    if (e.replicas > 1) podDisruptionBudget(name, { namespace: ns, labels, selector }, child);
    this.registerOutputs({});
  }
}
