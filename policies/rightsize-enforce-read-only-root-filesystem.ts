// A container's root filesystem is read-only, or the container has declared where it writes: a writable
// emptyDir mounted (extras render `writableDirs` that way, as `writable-<n>` volumes with a sizeLimit).
// Such a container has been given a place to write, so a writable root is a choice made with it in view
// (an image that must write beside its own files); with neither, every write lands in the image's layer,
// unbounded and unreviewed.
import { containersOf, describeObject, isWorkload, podSpecOf } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

export const enforceReadOnlyRootFilesystem = resourcePolicy({
  name: "rightsize-enforce-read-only-root-filesystem",
  description: "Every container sets readOnlyRootFilesystem: true, unless it mounts a writable emptyDir for its writes.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) => {
    const volumes: any[] = podSpecOf(o)?.volumes ?? [];
    const emptyDirs = new Set(volumes.filter((v) => v?.emptyDir !== undefined).map((v) => v?.name));
    return containersOf(o).flatMap(({ c, label }) => {
      const ro: unknown = c?.securityContext?.readOnlyRootFilesystem;
      if (ro === true) return [];
      const mounts: any[] = c?.volumeMounts ?? [];
      if (mounts.some((m) => m?.readOnly !== true && emptyDirs.has(m?.name))) return [];
      return [
        `${describeObject(o)}: ${label}: securityContext.readOnlyRootFilesystem is ${ro === undefined ? "not set" : String(ro)} and no writable emptyDir is mounted; ` +
          "set it to true and mount an emptyDir where the software writes (extras: writableDirs)",
      ];
    });
  },
});
