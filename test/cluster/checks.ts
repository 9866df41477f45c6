// What "converged" means on a real cluster, read back with kubectl: every object the program renders
// exists, Deployments are available, StatefulSets ready, Services have ready endpoints, every pod is bound.
import type { Kube, KObject } from "./kube";

export interface PodState {
  name: string;
  node?: string;
  phase: string;
  /** The scheduler's reason when a pod is not bound (PodScheduled=False). */
  unschedulable?: string;
}

export function pods(kube: Kube, namespace: string): PodState[] {
  const list = kube.json<{ items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase: string; conditions?: Array<{ type: string; status: string; message?: string }> } }> }>(["get", "pods", "-n", namespace]);
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => {
      const sched = p.status.conditions?.find((c) => c.type === "PodScheduled");
      return { name: p.metadata.name, node: p.spec.nodeName, phase: p.status.phase, unschedulable: sched?.status === "False" ? (sched.message ?? "unschedulable") : undefined };
    });
}

/** The rendered objects that are missing from the cluster (kind/name). */
export function missingObjects(kube: Kube, objects: KObject[]): string[] {
  const missing: string[] = [];
  for (const o of objects) {
    const args = ["get", `${o.kind}.${(o.apiVersion ?? "v1").includes("/") ? (o.apiVersion as string).split("/")[0] : ""}`.replace(/\.$/, ""), o.metadata.name];
    if (o.metadata.namespace) args.push("-n", o.metadata.namespace);
    const r = kube.run([...args, "-o", "name"]);
    if (r.code !== 0) missing.push(`${o.kind}/${o.metadata.name}: ${r.stderr.trim()}`);
  }
  return missing;
}

/** Workloads not yet converged, each with why. */
export function unready(kube: Kube, namespace: string): string[] {
  const out: string[] = [];
  const deps = kube.json<{ items: Array<{ metadata: { name: string }; spec: { replicas?: number }; status: { availableReplicas?: number; updatedReplicas?: number } }> }>(["get", "deployments", "-n", namespace]);
  for (const d of deps.items) {
    const want = d.spec.replicas ?? 1;
    if ((d.status.availableReplicas ?? 0) < want || (d.status.updatedReplicas ?? 0) < want) out.push(`Deployment/${d.metadata.name}: ${d.status.availableReplicas ?? 0}/${want} available`);
  }
  const sts = kube.json<{ items: Array<{ metadata: { name: string }; spec: { replicas?: number }; status: { readyReplicas?: number } }> }>(["get", "statefulsets", "-n", namespace]);
  for (const s of sts.items) {
    const want = s.spec.replicas ?? 1;
    if ((s.status.readyReplicas ?? 0) < want) out.push(`StatefulSet/${s.metadata.name}: ${s.status.readyReplicas ?? 0}/${want} ready`);
  }
  return out;
}

/** Services with a selector whose EndpointSlices hold no ready endpoint. */
export function servicesWithoutEndpoints(kube: Kube, namespace: string): string[] {
  const svcs = kube.json<{ items: Array<{ metadata: { name: string }; spec: { selector?: Record<string, string> } }> }>(["get", "services", "-n", namespace]);
  const slices = kube.json<{ items: Array<{ metadata: { labels?: Record<string, string> }; endpoints?: Array<{ conditions?: { ready?: boolean } }> }> }>(["get", "endpointslices", "-n", namespace]);
  return svcs.items
    .filter((s) => s.spec.selector && Object.keys(s.spec.selector).length > 0)
    .filter((s) => !slices.items.some((sl) => sl.metadata.labels?.["kubernetes.io/service-name"] === s.metadata.name && (sl.endpoints ?? []).some((e) => e.conditions?.ready)))
    .map((s) => s.metadata.name);
}
