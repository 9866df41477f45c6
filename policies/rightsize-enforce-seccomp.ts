// Pod Security "restricted" requires a seccomp profile, RuntimeDefault or Localhost, on the pod or on every
// container; a container's own profile overrides the pod's. Without one the kubelet runs the container
// Unconfined unless the node opts in to SeccompDefault, which the stack cannot see.
import { containersOf, describeObject, isWorkload, podSpecOf } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

const CONFINED = ["RuntimeDefault", "Localhost"];

export const enforceSeccomp = resourcePolicy({
  name: "rightsize-enforce-seccomp",
  description: "Every container runs under a RuntimeDefault or Localhost seccomp profile, set on the pod or on the container.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) => {
    const podType: unknown = podSpecOf(o)?.securityContext?.seccompProfile?.type;
    return containersOf(o).flatMap(({ c, label }) => {
      const own: unknown = c?.securityContext?.seccompProfile?.type;
      const type = own ?? podType;
      if (typeof type === "string" && CONFINED.includes(type)) return [];
      const said =
        type === undefined
          ? "no seccompProfile.type at pod or container level"
          : own !== undefined
            ? `securityContext.seccompProfile.type is ${String(own)} (container level${podType === undefined ? "" : `, overriding the pod's ${String(podType)}`})`
            : `seccompProfile.type is ${String(podType)} (pod level)`;
      return [`${describeObject(o)}: ${label}: ${said}; set seccompProfile.type RuntimeDefault (or Localhost) so the container does not run Unconfined`];
    });
  },
});
