// Rollout surge: the one rule the components use to *write* a Deployment's maxSurge, and that the
// connection counts and the policies use to *read* it back. Pure.
import type { K8sObject } from "./k8s";

/**
 * How a Deployment rolls. `one-at-a-time`: a stateless service starts one new pod before it stops an
 * old one. `drain`: a worker's old pods keep their requests while they finish running tasks, and
 * Kubernetes does not count Terminating pods against maxSurge, so the real peak is a whole new set
 * beside the old one; writing maxSurge = replicas says so, and lets the plan count it.
 */
export type RolloutKind = "one-at-a-time" | "drain";

/** The maxSurge rightsize writes for a Deployment of this kind. */
export function surgeFor(kind: RolloutKind, replicas: number): number {
  return kind === "drain" ? Math.max(1, replicas) : 1;
}

/** The strategy rightsize writes: surge, never unavailable. */
export function rollingUpdate(kind: RolloutKind, replicas: number): { type: "RollingUpdate"; rollingUpdate: { maxSurge: number; maxUnavailable: number } } {
  return { type: "RollingUpdate", rollingUpdate: { maxSurge: surgeFor(kind, replicas), maxUnavailable: 0 } };
}

/**
 * The strategy for a Deployment whose count an autoscaler owns: the same rule as a percentage, which
 * Kubernetes resolves at whatever count the autoscaler has set (for `drain`, 100% of it: old + new), and
 * which `surgePods` reads back at the autoscaler's max.
 */
export function autoscaledRollingUpdate(kind: RolloutKind): { type: "RollingUpdate"; rollingUpdate: { maxSurge: number | string; maxUnavailable: number } } {
  return { type: "RollingUpdate", rollingUpdate: { maxSurge: kind === "drain" ? "100%" : 1, maxUnavailable: 0 } };
}

/** Pods at the peak of a rollout of `replicas` pods (none when scaled to zero). */
export function peakPods(kind: RolloutKind, replicas: number): number {
  return replicas === 0 ? 0 : replicas + surgeFor(kind, replicas);
}

/**
 * The pods a rollout adds beyond `replicas`: maxSurge as Kubernetes resolves it from any Deployment (an
 * int, or a percentage of replicas rounded up), but never more than `replicas`, since the deployment
 * controller does not scale the new ReplicaSet past them (so none at all at zero replicas).
 */
export function surgePods(o: K8sObject, replicas: number): number {
  if (o.kind !== "Deployment") return 0;
  const strategy = o.spec?.strategy;
  if (strategy?.type === "Recreate") return 0;
  const surge = strategy?.rollingUpdate?.maxSurge ?? "25%";
  const m = /^(\d+)%$/.exec(String(surge));
  const resolved = typeof surge === "number" ? surge : m ? Math.ceil((replicas * Number(m[1])) / 100) : Number(surge) || 0;
  return Math.min(resolved, replicas);
}

/** An HPA's minimum when the stack config gives none: the replicas asked for, and never 0 (an HPA cannot idle). */
export function autoscalerMin(minReplicas: number | undefined, replicas: number): number {
  return minReplicas ?? Math.max(1, replicas);
}

/** The most pods a workload runs at rest: its replicas, or its autoscaler's maximum when that is more. */
export function mostReplicas(replicas: number, autoscalerMax: number | undefined): number {
  return Math.max(replicas, autoscalerMax ?? 0);
}
