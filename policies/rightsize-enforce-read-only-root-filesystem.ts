// A container's root filesystem is read-only, or the container has declared where it writes: a writable
// emptyDir mounted (extras render `writableDirs` that way, as `writable-<n>` volumes with a sizeLimit).
// Such a container has been given a place to write, so a writable root is a choice made with it in view
// (an image that must write beside its own files); with neither, every write lands in the image's layer,
// unbounded and unreviewed.
import { workloadPolicy } from "./lib/policy";

/** Whether the pod has an emptyDir volume of this name. */
const isEmptyDir = (spec: any, name: unknown): boolean => ((spec.volumes ?? []) as any[]).some((v) => v?.emptyDir !== undefined && v?.name === name);

export const enforceReadOnlyRootFilesystem = workloadPolicy({
  name: "rightsize-enforce-read-only-root-filesystem",
  description: "Every container sets readOnlyRootFilesystem: true, unless it mounts a writable emptyDir for its writes.",
  enforcementLevel: "advisory",
  container: (c, spec) => {
    const ro: unknown = c?.securityContext?.readOnlyRootFilesystem;
    if (ro === true) return [];
    const mounts: any[] = c?.volumeMounts ?? [];
    if (mounts.some((m) => m?.readOnly !== true && isEmptyDir(spec, m?.name))) return [];
    return [
      `securityContext.readOnlyRootFilesystem is ${ro === undefined ? "not set" : String(ro)} and no writable emptyDir is mounted; ` +
        "set it to true and mount an emptyDir where the software writes (extras: writableDirs)",
    ];
  },
});
