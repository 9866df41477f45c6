// A Deployment or StatefulSet that can run more than one replica has a PodDisruptionBudget, or a node drain
// may evict every replica at once. A single-replica workload (rightsize's Postgres and Redis StatefulSets)
// needs none: a PDB over one pod either lets it go anyway or blocks every drain
// (rightsize-disallow-blocking-pdb). Whether the PDB allows disruption at all is that policy's concern.
import { describeObject, SelectorIndex } from "../model/k8s";
import { guardedEach, scalersOf, stackPolicy } from "./lib/policy";
import { hpaOf } from "../model/reservations";

export const missingPdb = stackPolicy({
  name: "rightsize-missing-pdb",
  description: "Every Deployment or StatefulSet that can run more than one replica is covered by a PodDisruptionBudget.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const { hpas, findings } = scalersOf(objects);
    const pdbs = new SelectorIndex<true>();
    const unreadPdbs = guardedEach(objects, (o) => {
      if (o.kind === "PodDisruptionBudget") pdbs.add(o.metadata?.namespace, o.spec?.selector, true);
      return [];
    });
    const replicated = objects.filter(({ object }) => object.kind === "Deployment" || object.kind === "StatefulSet");
    const uncovered = guardedEach(replicated, (o) => {
      const hpa = hpaOf(hpas, o);
      const most = Math.max(o.spec?.replicas ?? hpa?.min ?? 1, hpa?.max ?? 0);
      if (most <= 1) return [];
      const labels = o.spec?.template?.metadata?.labels;
      if (pdbs.match(o.metadata?.namespace, labels).length > 0) return [];
      return [`${describeObject(o)} runs up to ${most} replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once`];
    });
    return [...findings, ...unreadPdbs, ...uncovered];
  },
});
