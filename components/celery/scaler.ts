// KEDA objects for autoscaled pools: the ScaledObject per pool, one TriggerAuthentication for the broker
// password, and the allow rule that lets KEDA's operator reach the broker. KEDA must be installed in the
// cluster (its CRDs and operator); the shapes follow the CRDs vendored in test/real/fixtures/keda.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { COMPONENT } from "../../model/annotations";
import { REDIS } from "../shared/endpoints";
import { type Labels, selectorLabels } from "../shared/labels";
import { brokerAuthenticationSpec, type ScaledObjectInput, scaledObjectSpec } from "./scaling";

export const KEDA_API_VERSION = "keda.sh/v1alpha1";
/** The operator's pod label in KEDA's Helm chart and release manifests (operator.name: keda-operator). */
export const KEDA_OPERATOR_LABELS = { "app.kubernetes.io/name": "keda-operator" } as const;

export function scaledObject(name: string, i: ScaledObjectInput, labels: Labels, opts: pulumi.CustomResourceOptions) {
  return new k8s.apiextensions.CustomResource(
    name,
    { apiVersion: KEDA_API_VERSION, kind: "ScaledObject", metadata: { name, namespace: i.namespace, labels: { ...labels } }, spec: scaledObjectSpec(i) },
    opts,
  );
}

export function brokerAuthentication(name: string, namespace: string, labels: Labels, opts: pulumi.CustomResourceOptions) {
  return new k8s.apiextensions.CustomResource(
    name,
    { apiVersion: KEDA_API_VERSION, kind: "TriggerAuthentication", metadata: { name, namespace, labels: { ...labels } }, spec: brokerAuthenticationSpec() },
    opts,
  );
}

/** Ingress is denied by default; KEDA's operator reads the list lengths from its own namespace. */
export function allowKedaToBroker(name: string, namespace: string, kedaNamespace: string, labels: Labels, opts: pulumi.CustomResourceOptions) {
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name, namespace, labels: { ...labels } },
      spec: {
        podSelector: { matchLabels: { ...selectorLabels(COMPONENT.redis, REDIS.broker.name) } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": kedaNamespace } }, podSelector: { matchLabels: { ...KEDA_OPERATOR_LABELS } } }],
            ports: [{ protocol: "TCP", port: REDIS.broker.port }],
          },
        ],
      },
    },
    opts,
  );
}
