// Building blocks of the data layer's StatefulSets: the headless Service that gives the pod its stable
// DNS name, the PVC template, and the single-replica spec they share.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { Bytes } from "../../model/units";
import type { Labels } from "./labels";

/** The Service named after the StatefulSet (its serviceName); clients connect to `<name>:<port>`. */
export function headlessService(
  name: string,
  a: { namespace: string; labels: Labels; selector: Labels; port: { name: string; port: number }; annotations?: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
) {
  return new k8s.core.v1.Service(
    name,
    {
      metadata: { name, namespace: a.namespace, labels: { ...a.labels }, ...(a.annotations ? { annotations: { ...a.annotations } } : {}) },
      spec: {
        clusterIP: "None",
        // Clients wait on readiness rather than resolve an address that refuses them.
        publishNotReadyAddresses: false,
        selector: { ...a.selector },
        ports: [{ name: a.port.name, port: a.port.port, targetPort: a.port.name, protocol: "TCP" }],
      },
    },
    opts,
  );
}

export const DATA_VOLUME = "data";

/** One ReadWriteOnce claim named `data`, of the configured size and class. */
export function volumeClaimTemplate(labels: Labels, v: { size: Bytes; storageClassName?: string | undefined }) {
  return {
    metadata: { name: DATA_VOLUME, labels: { ...labels } },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(v.storageClassName !== undefined ? { storageClassName: v.storageClassName } : {}),
      resources: { requests: { storage: formatMemory(v.size) } },
    },
  };
}

/**
 * Spec fields every data-layer StatefulSet shares: one replica (these servers do not replicate here),
 * ordered start, rolling updates, and claims kept when the set is deleted or scaled down so data
 * outlives a mistake.
 */
export function singleReplicaSpec(name: string, selector: Labels) {
  return {
    serviceName: name,
    replicas: 1,
    selector: { matchLabels: { ...selector } },
    podManagementPolicy: "OrderedReady",
    updateStrategy: { type: "RollingUpdate" },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
  };
}
