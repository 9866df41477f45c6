// A memory-backed emptyDir (tmpfs, e.g. Chromium's /dev/shm) is charged to the pod's memory: without a
// sizeLimit, or with one above the memory limit, filling it gets the pod OOM-killed.
import { memoryQuantity, showMemory } from "../model/quantity";
import { workloadPolicy } from "./lib/policy";
import { podLimits } from "../model/reservations";

/** The pod's memory limit, or undefined when some app container sets none (then nothing bounds it). */
function podMemoryLimit(spec: any): number | undefined {
  const apps: any[] = spec?.containers ?? [];
  if (apps.length === 0 || apps.some((c) => c?.resources?.limits?.memory === undefined)) return undefined;
  return podLimits(spec).memoryBytes;
}

export const enforceMemoryEmptydirSize = workloadPolicy({
  name: "rightsize-enforce-memory-emptydir-size",
  description: "A memory-backed emptyDir has a sizeLimit no larger than the pod's memory limit.",
  enforcementLevel: "advisory",
  pod: (spec) =>
    ((spec.volumes ?? []) as any[])
      .filter((v) => v?.emptyDir?.medium === "Memory")
      .flatMap((v) => {
        const limit = podMemoryLimit(spec);
        const size = v.emptyDir.sizeLimit;
        if (size === undefined) {
          const limitText = limit === undefined ? "no memory limit" : `memory limit ${showMemory(limit)}`;
          return [`memory-backed emptyDir ${v.name} has no sizeLimit; it counts against the pod's ${limitText} and can fill it`];
        }
        const bytes = memoryQuantity(size);
        return limit !== undefined && bytes > limit ? [`memory-backed emptyDir ${v.name} sizeLimit ${showMemory(bytes)} exceeds the pod's memory limit ${showMemory(limit)}`] : [];
      }),
});
