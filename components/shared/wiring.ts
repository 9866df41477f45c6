// Pulumi wiring shared by components: Services, PodDisruptionBudgets and NetworkPolicy allow rules.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { type Labels } from "./labels";

/** The ClusterIP Service over a Deployment's named container ports; each targets its port by name. */
export function clusterService(
  name: string,
  a: { namespace: string; labels: Labels; selector: Labels; ports: readonly { name: string; port: number }[] },
  opts: pulumi.CustomResourceOptions,
) {
  return new k8s.core.v1.Service(
    name,
    {
      metadata: { name, namespace: a.namespace, labels: a.labels },
      spec: { selector: a.selector, ports: a.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })) },
    },
    opts,
  );
}

export interface PdbArgs {
  readonly namespace: string;
  readonly labels: Labels;
  readonly selector: Labels;
  /** At most this many pods down for voluntary disruptions (drains); 1 keeps drains possible. */
  readonly maxUnavailable?: number;
}

export function podDisruptionBudget(name: string, a: PdbArgs, opts: pulumi.CustomResourceOptions) {
  return new k8s.policy.v1.PodDisruptionBudget(
    name,
    {
      metadata: { name, namespace: a.namespace, labels: { ...a.labels } },
      spec: { maxUnavailable: a.maxUnavailable ?? 1, selector: { matchLabels: { ...a.selector } } },
    },
    opts,
  );
}

/** Who may reach a component: pods with these labels in the namespace, or anyone when `fromAnywhere`. */
export interface IngressAllow {
  readonly namespace: string;
  readonly labels: Labels;
  /** The pods being protected. */
  readonly selector: Labels;
  readonly ports: readonly number[];
  /** Label sets of pods (same namespace) that may connect. */
  readonly fromPods?: readonly Labels[];
  /** The entry point (web): any source, e.g. the ingress controller. */
  readonly fromAnywhere?: boolean;
}

export function allowIngress(name: string, a: IngressAllow, opts: pulumi.CustomResourceOptions) {
  const ports = a.ports.map((port) => ({ protocol: "TCP", port }));
  const from = a.fromAnywhere ? [] : (a.fromPods ?? []).map((l) => ({ podSelector: { matchLabels: { ...l } } }));
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name, namespace: a.namespace, labels: { ...a.labels } },
      spec: {
        podSelector: { matchLabels: { ...a.selector } },
        policyTypes: ["Ingress"],
        ingress: [a.fromAnywhere ? { ports } : { from, ports }],
      },
    },
    opts,
  );
}
