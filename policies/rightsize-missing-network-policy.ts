// Every namespace that runs a workload of the stack has a NetworkPolicy in the stack; without one every
// pod there accepts connections from anywhere in the cluster. rightsize's platform renders a default-deny
// ingress policy plus one allow rule per service. The check is per namespace, not per pod: a namespace
// with any policy has had its traffic thought about, and which pods each rule admits is the rules' job.
import { describeObject, isWorkload } from "../model/k8s";
import { guardedEach, stackPolicy } from "./lib/policy";

const nsName = (ns: string | undefined) => (ns ? `namespace ${ns}` : "the default namespace");

export const missingNetworkPolicy = stackPolicy({
  name: "rightsize-missing-network-policy",
  description: "Every namespace with a workload of the stack has a NetworkPolicy in the stack.",
  enforcementLevel: "advisory",
  check: (objects) => {
    const covered = new Set<string>();
    const workloads = new Map<string, { names: string[]; urn: string }>();
    const namespaces = new Map<string, string>();
    const out = guardedEach(objects, (o, { urn }) => {
      const ns = o.metadata?.namespace ?? "";
      if (o.kind === "NetworkPolicy") covered.add(ns);
      if (o.kind === "Namespace") namespaces.set(o.metadata?.name ?? "", urn);
      if (isWorkload(o)) {
        const w = workloads.get(ns) ?? { names: [], urn };
        w.names.push(describeObject(o));
        workloads.set(ns, w);
      }
      return [];
    });
    for (const [ns, w] of workloads) {
      if (covered.has(ns)) continue;
      const shown = w.names.length > 3 ? `${w.names.slice(0, 3).join(", ")} and ${w.names.length - 3} more` : w.names.join(", ");
      out.push({
        message: `${nsName(ns)} has no NetworkPolicy in the stack, yet runs ${shown}; every pod there accepts connections from anywhere in the cluster. Add a default-deny ingress policy and allow rules`,
        urn: namespaces.get(ns) ?? w.urn,
      });
    }
    return out;
  },
});
