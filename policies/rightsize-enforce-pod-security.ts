// Pod Security "restricted" in the terms Polaris and kube-score use: non-root, no privilege escalation,
// every capability dropped, no host namespaces. Each container, init containers included. The rest of
// restricted has a policy each: rightsize-enforce-seccomp, rightsize-disallow-added-capabilities, and
// for baseline's reach into the node, rightsize-disallow-host-access.
import { workloadPolicy } from "./lib/policy";

export const enforcePodSecurity = workloadPolicy({
  name: "rightsize-enforce-pod-security",
  description: "Pods run as non-root with no privilege escalation, all capabilities dropped and no host namespaces.",
  enforcementLevel: "advisory",
  pod: (spec) => {
    const host = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => spec[k] === true);
    return host.length > 0 ? [`the pod shares the node's namespaces (${host.map((k) => `${k}: true`).join(", ")})`] : [];
  },
  // A container's runAsNonRoot overrides the pod's.
  container: (c, spec) => {
    const sc = c?.securityContext ?? {};
    const problems: string[] = [];
    if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true) problems.push("runAsNonRoot is not true");
    if (sc.privileged === true) problems.push("privileged is true");
    if (sc.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
    const drop: unknown[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) problems.push("capabilities.drop does not include ALL");
    return problems.length > 0 ? [problems.join(", ")] : [];
  },
});
