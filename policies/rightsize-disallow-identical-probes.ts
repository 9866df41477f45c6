// Readiness may check backends; liveness must not. A liveness probe identical to readiness (same check,
// same timings, as kube-score defines it) turns anything that makes a pod unready into a restart of every
// pod at once. The same backend-free endpoint with a more tolerant liveness is fine: it is not identical.
import { containersOf, describeObject, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

/** What a probe checks, without its timings: `httpGet /healthz on port http`. */
export function probeAction(p: any): string | undefined {
  if (p?.httpGet) return `httpGet ${p.httpGet.path ?? "/"} on port ${p.httpGet.port}${p.httpGet.host ? ` of ${p.httpGet.host}` : ""}`;
  if (p?.tcpSocket) return `tcpSocket on port ${p.tcpSocket.port}`;
  if (p?.grpc) return `grpc on port ${p.grpc.port}${p.grpc.service ? ` (${p.grpc.service})` : ""}`;
  if (p?.exec) return `exec ${JSON.stringify(p.exec.command ?? [])}`;
  return undefined;
}

/** A probe's timings with Kubernetes' defaults filled in. */
function timings(p: any): string {
  const n = (v: unknown, d: number) => (typeof v === "number" ? v : d);
  return `every ${n(p?.periodSeconds, 10)} s, timeout ${n(p?.timeoutSeconds, 1)} s, ${n(p?.failureThreshold, 3)} failures, delay ${n(p?.initialDelaySeconds, 0)} s`;
}

export const disallowIdenticalProbes = resourcePolicy({
  name: "rightsize-disallow-identical-probes",
  description: "A container's liveness probe is not identical to its readiness probe.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) => {
      const live = probeAction(c?.livenessProbe);
      if (live === undefined || live !== probeAction(c?.readinessProbe)) return [];
      const t = timings(c.livenessProbe);
      if (t !== timings(c.readinessProbe)) return [];
      return [`${describeObject(o)}: ${label} livenessProbe is identical to its readinessProbe (${live}, ${t}); whatever makes a pod unready would restart every pod`];
    }),
});
