// Postgres' tuning is sized from its memory limit (shared_buffers M/4, effective_cache_size 3M/4). With a
// lower request the pod is Burstable: the scheduler may place it where only the request fits, and under
// node pressure it is evicted or OOM-killed before Guaranteed pods. Requests equal to limits avoid both.
import { componentOf, containersOf, describeObject, isWorkload } from "../model/k8s";
import { memoryQuantity, showMemory } from "../model/quantity";
import { resourcePolicy } from "./lib/policy";
import { COMPONENT } from "../model/annotations";

export const enforcePostgresMemoryRequest = resourcePolicy({
  name: "rightsize-enforce-postgres-memory-request",
  description: "PostgreSQL's memory request equals its memory limit (Guaranteed memory), since its tuning assumes the limit.",
  enforcementLevel: "advisory",
  applies: (o) => isWorkload(o) && componentOf(o) === COMPONENT.postgres,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) => {
      const req = c?.resources?.requests?.memory;
      const lim = c?.resources?.limits?.memory;
      if (req === undefined || lim === undefined) return [];
      const r = memoryQuantity(req);
      const l = memoryQuantity(lim);
      if (r === l) return [];
      return [
        `${describeObject(o)}: ${label} requests.memory ${showMemory(r)} is below limits.memory ${showMemory(l)}, which the tuning is sized from; ` +
          `under node pressure the pod is evicted or OOM-killed first. Set the request to the limit`,
      ];
    }),
});
