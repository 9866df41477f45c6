// A Deployment or StatefulSet that can run more than one replica has a PodDisruptionBudget, or a node drain
// may evict every replica at once. A single-replica workload (rightsize's Postgres and Redis StatefulSets)
// needs none: a PDB over one pod either lets it go anyway or blocks every drain
// (rightsize-disallow-blocking-pdb). Whether the PDB allows disruption at all is that policy's concern.
import { describeObject, SelectorIndex } from "../model/k8s";
import { guarded, stackPolicy, type StackFinding } from "./lib/policy";
import { addHpa, type HpaIndex, isScaler } from "../model/reservations";

export const missingPdb = stackPolicy({
  name: "rightsize-missing-pdb",
  description: "Every Deployment or StatefulSet that can run more than one replica is covered by a PodDisruptionBudget.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const out: StackFinding[] = [];
    const hpas: HpaIndex = new Map();
    const pdbs = new SelectorIndex<true>();
    for (const { object: o, name, urn } of objects) {
      const msgs = guarded(o, name, () => {
        if (isScaler(o)) addHpa(hpas, o);
        if (o.kind === "PodDisruptionBudget") pdbs.add(o.metadata?.namespace, o.spec?.selector, true);
        return [];
      });
      out.push(...msgs.map((message) => ({ message, urn })));
    }
    for (const { object: o, name, urn } of objects) {
      if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
      const msgs = guarded(o, name, () => {
        const hpa = hpas.get(`${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`);
        const most = Math.max(o.spec?.replicas ?? hpa?.min ?? 1, hpa?.max ?? 0);
        if (most <= 1) return [];
        const labels = o.spec?.template?.metadata?.labels;
        if (pdbs.match(o.metadata?.namespace, labels).length > 0) return [];
        return [`${describeObject(o)} runs up to ${most} replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once`];
      });
      out.push(...msgs.map((message) => ({ message, urn })));
    }
    return out;
  },
});
