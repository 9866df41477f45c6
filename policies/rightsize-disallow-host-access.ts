// The Pod Security "baseline" items that reach past the container into the node, which the other policies
// do not cover: hostPath volumes, host ports, an unmasked /proc, Windows HostProcess containers and sysctls
// outside the namespaced safe set. (Host namespaces are rightsize-enforce-pod-security's.)
import { workloadPolicy } from "./lib/policy";

/** Pod Security "baseline"'s allowed sysctls (Kubernetes 1.29): namespaced, and safe to share a node with. */
export const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ping_group_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

export const disallowHostAccess = workloadPolicy({
  name: "rightsize-disallow-host-access",
  description: "No hostPath volume, hostPort, unmasked procMount, HostProcess container or unsafe sysctl.",
  enforcementLevel: "mandatory",
  pod: (spec) => {
    const hostPaths = ((spec.volumes ?? []) as any[]).filter((v) => v?.hostPath !== undefined);
    const found = hostPaths.map((v) => `the pod mounts volume ${v.name} from hostPath ${v.hostPath?.path}; use an emptyDir or a PersistentVolumeClaim`);
    if (spec.securityContext?.windowsOptions?.hostProcess === true) found.push("the pod sets securityContext.windowsOptions.hostProcess true");
    const unsafe = ((spec.securityContext?.sysctls ?? []) as any[]).filter((s) => !SAFE_SYSCTLS.includes(s?.name));
    if (unsafe.length > 0) {
      found.push(`the pod sets unsafe sysctls ${unsafe.map((s) => `${s?.name}=${s?.value}`).join(", ")}; they reach the node's kernel, and the kubelet refuses them unless allowed per node`);
    }
    return found;
  },
  container: (c) => {
    const found: string[] = [];
    const ports = ((c?.ports ?? []) as any[]).filter((p) => p?.hostPort !== undefined && p?.hostPort !== 0);
    if (ports.length > 0) found.push(`ports set hostPort ${ports.map((p) => p.hostPort).join(", ")}; use a Service`);
    const proc: unknown = c?.securityContext?.procMount;
    if (proc !== undefined && proc !== "Default") found.push(`securityContext.procMount is ${String(proc)}; only Default masks the node's /proc`);
    if (c?.securityContext?.windowsOptions?.hostProcess === true) found.push("securityContext.windowsOptions.hostProcess is true");
    return found;
  },
});
