// Pod Security "restricted" in the terms Polaris and kube-score use: non-root, no privilege escalation,
// every capability dropped, no host namespaces. Each container, init containers included. The rest of
// restricted has a policy each: rightsize-enforce-seccomp, rightsize-disallow-added-capabilities, and
// for baseline's reach into the node, rightsize-disallow-host-access.
import { containersOf, describeObject, podSpecOf, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

export const enforcePodSecurity = resourcePolicy({
  name: "rightsize-enforce-pod-security",
  description: "Pods run as non-root with no privilege escalation, all capabilities dropped and no host namespaces.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) => {
    const spec = podSpecOf(o) ?? {};
    const out: string[] = [];
    const host = ["hostNetwork", "hostPID", "hostIPC"].filter((k) => spec[k] === true);
    if (host.length > 0) out.push(`${describeObject(o)}: the pod shares the node's namespaces (${host.map((k) => `${k}: true`).join(", ")})`);
    const podNonRoot = spec.securityContext?.runAsNonRoot;
    for (const { c, label } of containersOf(o)) {
      const sc = c?.securityContext ?? {};
      const problems: string[] = [];
      if ((sc.runAsNonRoot ?? podNonRoot) !== true) problems.push("runAsNonRoot is not true");
      if (sc.privileged === true) problems.push("privileged is true");
      if (sc.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
      const drop: unknown[] = sc.capabilities?.drop ?? [];
      if (!drop.includes("ALL")) problems.push("capabilities.drop does not include ALL");
      if (problems.length > 0) out.push(`${describeObject(o)}: ${label}: ${problems.join(", ")}`);
    }
    return out;
  },
});
