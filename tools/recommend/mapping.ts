// Which workload a pod belongs to. Exact when kube-state-metrics is scraped: kube_pod_owner names the
// pod's ReplicaSet, StatefulSet or Job, kube_replicaset_owner the ReplicaSet's Deployment. Without those
// series, only names the controllers make: a Deployment pod is `<name>-<pod-template-hash>-<5 chars>`,
// both drawn from the alphabet Kubernetes' SafeEncodeString uses, and a StatefulSet pod `<name>-<ordinal>`.
// A Job's pod (`web-migrate-z9zpm`) or a CronJob's (`web-28391234-cpgpk`) is never a Deployment's. Pure.
import type { Sample } from "./prometheus";

/** k8s.io/apimachinery/pkg/util/rand: no vowels, no 0, 1 or 3, so generated names never spell words. */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const SAFE = `[${SAFE_ALPHABET}]`;
const DEPLOYMENT_POD = new RegExp(`^(.+)-(${SAFE}{1,10})-(${SAFE}{5})$`);
const STATEFUL_POD = /^(.+)-(\d+)$/;

export interface Workloadish {
  name: string;
  kind: "Deployment" | "StatefulSet";
}

/** Owners as kube-state-metrics reports them; empty maps when it is not scraped. */
export interface Owners {
  pods: Map<string, { kind: string; name: string }>;
  replicaSets: Map<string, { kind: string; name: string }>;
}

export function ownersOf(podOwner: readonly Sample[], replicaSetOwner: readonly Sample[]): Owners {
  const pods = new Map<string, { kind: string; name: string }>();
  const replicaSets = new Map<string, { kind: string; name: string }>();
  for (const s of podOwner) {
    const kind = s.labels.owner_kind ?? "";
    // A pod has one controller; kube-state-metrics also reports `<none>` for a bare pod.
    if (s.pod && kind && kind !== "<none>") pods.set(s.pod, { kind, name: s.labels.owner_name ?? "" });
    else if (s.pod && !pods.has(s.pod)) pods.set(s.pod, { kind: "<none>", name: "" });
  }
  for (const s of replicaSetOwner) {
    const rs = s.labels.replicaset;
    if (rs && s.labels.owner_kind && s.labels.owner_kind !== "<none>") replicaSets.set(rs, { kind: s.labels.owner_kind, name: s.labels.owner_name ?? "" });
  }
  return { pods, replicaSets };
}

/** The owning workload, or why none: the reason names what was seen, for the skipped list. */
export type Ownership<W> = { workload: W; by: "kube_pod_owner" | "name" } | { workload?: undefined; reason: string };

/** The workload a pod belongs to among `ws`, by its owner series when kube-state-metrics has any, else by name. */
export function ownerOf<W extends Workloadish>(pod: string, ws: readonly W[], owners?: Owners): Ownership<W> {
  if (owners && owners.pods.size > 0) return byOwnerSeries(pod, ws, owners);
  return byName(pod, ws);
}

function byOwnerSeries<W extends Workloadish>(pod: string, ws: readonly W[], owners: Owners): Ownership<W> {
  const o = owners.pods.get(pod);
  if (!o) return { reason: "kube_pod_owner has no series for this pod" };
  let kind = o.kind;
  let name = o.name;
  if (kind === "ReplicaSet") {
    const d = owners.replicaSets.get(name);
    if (!d) return { reason: `ReplicaSet ${name} has no kube_replicaset_owner series` };
    kind = d.kind;
    name = d.name;
  }
  if (kind !== "Deployment" && kind !== "StatefulSet") return { reason: `owned by ${kind} ${name} (kube_pod_owner), not a Deployment or StatefulSet` };
  const w = ws.find((x) => x.kind === kind && x.name === name);
  return w ? { workload: w, by: "kube_pod_owner" } : { reason: `owned by ${kind} ${name}, which this stack does not render` };
}

function byName<W extends Workloadish>(pod: string, ws: readonly W[]): Ownership<W> {
  const d = DEPLOYMENT_POD.exec(pod);
  // A CronJob's Job is `<cronjob>-<scheduled minute>`: all digits, where a pod-template hash has letters
  // but for 1 in ~10^4 hashes; without kube_pod_owner such a pod is skipped rather than guessed.
  if (d && !/^\d+$/.test(d[2]!)) {
    const w = ws.find((x) => x.kind === "Deployment" && x.name === d[1]);
    if (w) return { workload: w, by: "name" };
  }
  const s = STATEFUL_POD.exec(pod);
  if (s) {
    const w = ws.find((x) => x.kind === "StatefulSet" && x.name === s[1]);
    if (w) return { workload: w, by: "name" };
  }
  const dash = pod.lastIndexOf("-");
  const head = dash > 0 ? pod.slice(0, pod.lastIndexOf("-", dash - 1)) : "";
  if (d && /^\d+$/.test(d[2]!) && ws.some((x) => x.kind === "Deployment" && x.name === d[1])) {
    return { reason: `looks like a CronJob's pod (${d[1]}-${d[2]}: a scheduled minute, not a pod-template hash); without kube_pod_owner it is not counted` };
  }
  if (head && ws.some((x) => x.kind === "Deployment" && pod.startsWith(`${x.name}-`))) {
    return { reason: "not `<deployment>-<pod-template-hash>-<5 chars>` in Kubernetes' name alphabet: a Job's or a bare pod; without kube_pod_owner it is not counted" };
  }
  return { reason: "no Deployment or StatefulSet of the stack owns this pod" };
}
