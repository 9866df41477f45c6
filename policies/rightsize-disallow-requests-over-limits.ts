// A request larger than its limit is rejected by the API server at apply time; catching it at preview
// names the container and both numbers before anything is touched.
import { containersOf, describeObject, isWorkload } from "../model/k8s";
import { cpuQuantity, memoryQuantity, showCpu, showMemory } from "../model/quantity";
import { resourcePolicy } from "./lib/policy";

const RESOURCES = [
  ["cpu", cpuQuantity, showCpu],
  ["memory", memoryQuantity, showMemory],
] as const;

export const disallowRequestsOverLimits = resourcePolicy({
  name: "rightsize-disallow-requests-over-limits",
  description: "No container requests more CPU or memory than its limit.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) =>
      RESOURCES.flatMap(([r, parse, show]) => {
        const req = c?.resources?.requests?.[r];
        const lim = c?.resources?.limits?.[r];
        if (req === undefined || lim === undefined) return [];
        const [q, l] = [parse(req), parse(lim)];
        return q > l ? [`${describeObject(o)}: ${label} requests.${r} ${show(q)} is larger than limits.${r} ${show(l)}`] : [];
      }),
    ),
});
