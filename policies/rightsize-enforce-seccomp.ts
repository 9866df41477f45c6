// Pod Security "restricted" requires a seccomp profile, RuntimeDefault or Localhost, on the pod or on every
// container; a container's own profile overrides the pod's. Without one the kubelet runs the container
// Unconfined unless the node opts in to SeccompDefault, which the stack cannot see.
import { workloadPolicy } from "./lib/policy";

const CONFINED = ["RuntimeDefault", "Localhost"];

export const enforceSeccomp = workloadPolicy({
  name: "rightsize-enforce-seccomp",
  description: "Every container runs under a RuntimeDefault or Localhost seccomp profile, set on the pod or on the container.",
  enforcementLevel: "advisory",
  container: (c, spec) => {
    const podType: unknown = spec.securityContext?.seccompProfile?.type;
    const own: unknown = c?.securityContext?.seccompProfile?.type;
    const type = own ?? podType;
    if (typeof type === "string" && CONFINED.includes(type)) return [];
    const said =
      type === undefined
        ? "no seccompProfile.type at pod or container level"
        : own !== undefined
          ? `securityContext.seccompProfile.type is ${String(own)} (container level${podType === undefined ? "" : `, overriding the pod's ${String(podType)}`})`
          : `seccompProfile.type is ${String(podType)} (pod level)`;
    return [`${said}; set seccompProfile.type RuntimeDefault (or Localhost) so the container does not run Unconfined`];
  },
});
