// A memory-backed emptyDir (tmpfs, e.g. Chromium's /dev/shm) is charged to the pod's memory: without a
// sizeLimit, or with one above the memory limit, filling it gets the pod OOM-killed.
import { describeObject, podSpecOf, isWorkload } from "../model/k8s";
import { memoryQuantity, showMemory } from "../model/quantity";
import { resourcePolicy } from "./lib/policy";
import { podLimits } from "../model/reservations";

/** The pod's memory limit, or undefined when some app container sets none (then nothing bounds it). */
function podMemoryLimit(spec: any): number | undefined {
  const apps: any[] = spec?.containers ?? [];
  if (apps.length === 0 || apps.some((c) => c?.resources?.limits?.memory === undefined)) return undefined;
  return podLimits(spec).memoryBytes;
}

export const enforceMemoryEmptydirSize = resourcePolicy({
  name: "rightsize-enforce-memory-emptydir-size",
  description: "A memory-backed emptyDir has a sizeLimit no larger than the pod's memory limit.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) => {
    const spec = podSpecOf(o);
    const volumes: any[] = spec?.volumes ?? [];
    const out: string[] = [];
    for (const v of volumes) {
      if (v?.emptyDir?.medium !== "Memory") continue;
      const limit = podMemoryLimit(spec);
      const limitText = limit === undefined ? "no memory limit" : `memory limit ${showMemory(limit)}`;
      const size = v.emptyDir.sizeLimit;
      if (size === undefined) {
        out.push(`${describeObject(o)}: memory-backed emptyDir ${v.name} has no sizeLimit; it counts against the pod's ${limitText} and can fill it`);
        continue;
      }
      const bytes = memoryQuantity(size);
      if (limit !== undefined && bytes > limit) {
        out.push(`${describeObject(o)}: memory-backed emptyDir ${v.name} sizeLimit ${showMemory(bytes)} exceeds the pod's memory limit ${showMemory(limit)}`);
      }
    }
    return out;
  },
});
