// When the stack does not fit its node budget, the autoscalers whose max is the reason: the stack would
// fit with that workload held at its minimum. Each is named on the autoscaler itself (a KEDA
// ScaledObject or an HPA), with the largest max that fits, so the fix is one config edit.
import { showCpu, showMemory } from "../../model/quantity";
import type { Workload } from "../../model/reservations";
import { surgePods } from "../../model/rollout";
import type { StackFinding, StackObject } from "./policy";

/** The workloads with workload `i` scaled to at most `max` replicas, its surge resolved at that count. */
function atMost(ws: readonly Workload[], i: number, max: number): Workload[] {
  return ws.map((w, j) => (j === i ? { ...w, maxReplicas: max, surgePods: surgePods(w.object, max) } : w));
}

/** The largest max in [min, max) at which the stack fits, or undefined when even the minimum does not. */
export function largestFittingMax(ws: readonly Workload[], i: number, fits: (ws: Workload[]) => boolean): number | undefined {
  const w = ws[i]!;
  let lo = w.replicas;
  let hi = w.maxReplicas - 1;
  if (lo > hi || !fits(atMost(ws, i, lo))) return undefined;
  // Fewer replicas never need more room, so the boundary is found by bisection.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(atMost(ws, i, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const field = (by: string) => (by.startsWith("ScaledObject/") ? "maxReplicaCount" : "maxReplicas");

export function scalerFindings(ws: readonly Workload[], objects: readonly StackObject[], fits: (ws: Workload[]) => boolean): StackFinding[] {
  const out: StackFinding[] = [];
  ws.forEach((w, i) => {
    if (!w.scaledBy) return;
    const k = largestFittingMax(ws, i, fits);
    if (k === undefined) return;
    const [kind, name] = w.scaledBy.split("/") as [string, string];
    const so = objects.find((o) => o.object.kind === kind && o.object.metadata?.name === name && o.object.metadata?.namespace === w.namespace);
    const f = field(w.scaledBy);
    const pod = `${showCpu(w.podRequests.cpuMillis)} CPU / ${showMemory(w.podRequests.memoryBytes)}`;
    out.push({
      message:
        `${kind} ${name}: ${f} ${w.maxReplicas} lets ${w.kind} ${w.name} run ${w.maxReplicas} pods (+${w.surgePods} during a rollout) of ${pod}, ` +
        `and at that max the stack does not fit its node budget (see the stack's finding); at most ${f} ${k} fits.`,
      ...(so ? { urn: so.urn } : {}),
    });
  });
  return out;
}
