// A PodDisruptionBudget that allows no voluntary disruption blocks every node drain (and so every node
// upgrade) until someone deletes it: maxUnavailable 0, minAvailable 100%, or a minAvailable at or above the
// fewest pods its workload runs, its replicas or, when an HPA or KEDA ScaledObject scales it, the
// autoscaler's minimum (at least one pod while it runs). Percentages round up, as the disruption
// controller rounds them. Deployments and StatefulSets alike: a StatefulSet's PDB blocks drains the same way.
import { describeObject, selects } from "../model/k8s";
import type { K8sObject } from "../model/k8s";
import { type HpaIndex, hpaOf } from "../model/reservations";
import { guardedEach, scalersOf, stackPolicy } from "./lib/policy";

const REPLICATED = ["Deployment", "StatefulSet"];
const FIX = "a node drain waits on it forever; use maxUnavailable 1";

/** `n` of `total` as the disruption controller scales an int-or-percent, rounding up. */
function scaled(v: unknown, total: number): number {
  const s = String(v);
  return s.endsWith("%") ? Math.ceil((Number(s.slice(0, -1)) * total) / 100) : Number(s);
}

/** The fewest pods the workload runs while it runs, and what sets that number. */
function fewest(o: K8sObject, hpas: HpaIndex): { n: number; why: string } {
  const hpa = hpaOf(hpas, o);
  if (hpa) {
    const field = hpa.by.startsWith("ScaledObject/") ? "minReplicaCount" : "minReplicas";
    return { n: Math.max(hpa.min, 1), why: `the minimum of ${hpa.by.replace("/", " ")} (${field} ${hpa.min}) for ${describeObject(o)}` };
  }
  const n: number = o.spec?.replicas ?? 1;
  return { n, why: `the ${n} replica${n === 1 ? "" : "s"} of ${describeObject(o)}` };
}

function blocking(pdb: K8sObject, workloads: readonly K8sObject[], hpas: HpaIndex): string[] {
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  const name = describeObject(pdb);
  if (maxUnavailable !== undefined && scaled(maxUnavailable, 100) === 0) return [`${name}: maxUnavailable ${maxUnavailable} allows no voluntary disruption; ${FIX}`];
  if (minAvailable === undefined) return [];
  if (String(minAvailable) === "100%") return [`${name}: minAvailable 100% allows no voluntary disruption; ${FIX}`];
  const ns = pdb.metadata?.namespace;
  return workloads
    .filter((w) => w.metadata?.namespace === ns && selects(pdb.spec?.selector, w.spec?.template?.metadata?.labels))
    .flatMap((w) => {
      const { n, why } = fewest(w, hpas);
      const k = scaled(minAvailable, n);
      if (k < n) return [];
      const shown = String(minAvailable).endsWith("%") ? `${minAvailable} (${k} of ${n} pods)` : `${minAvailable}`;
      return [`${name}: minAvailable ${shown} is at or above ${why}, so no pod may be evicted; ${FIX}`];
    });
}

export const disallowBlockingPdb = stackPolicy({
  name: "rightsize-disallow-blocking-pdb",
  description: "No PodDisruptionBudget forbids every voluntary disruption (maxUnavailable 0, minAvailable 100% or at the workload's replicas or autoscaler minimum).",
  enforcementLevel: "advisory",
  check: (objects) => {
    const { hpas, findings } = scalersOf(objects);
    const workloads = objects.map(({ object }) => object).filter((o) => REPLICATED.includes(o.kind ?? ""));
    const pdbs = objects.filter(({ object }) => object.kind === "PodDisruptionBudget");
    return [...findings, ...guardedEach(pdbs, (pdb) => blocking(pdb, workloads, hpas))];
  },
});
