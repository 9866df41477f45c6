// Readiness may check backends; liveness must not. A liveness probe that does what readiness does turns
// a database outage into every pod restarting at once.
import { containersOf, describe } from "./lib/k8s";
import { resourcePolicy } from "./lib/policy";
import { isWorkload } from "./reservations";

/** What a probe checks, without its timings: `httpGet /healthz on port http`. */
export function probeAction(p: any): string | undefined {
  if (p?.httpGet) return `httpGet ${p.httpGet.path ?? "/"} on port ${p.httpGet.port}${p.httpGet.host ? ` of ${p.httpGet.host}` : ""}`;
  if (p?.tcpSocket) return `tcpSocket on port ${p.tcpSocket.port}`;
  if (p?.grpc) return `grpc on port ${p.grpc.port}${p.grpc.service ? ` (${p.grpc.service})` : ""}`;
  if (p?.exec) return `exec ${JSON.stringify(p.exec.command ?? [])}`;
  return undefined;
}

export const identicalProbes = resourcePolicy({
  name: "rightsize-disallow-identical-probes",
  description: "A container's liveness probe does not check the same thing as its readiness probe.",
  enforcementLevel: "advisory",
  applies: isWorkload,
  check: (o) =>
    containersOf(o).flatMap(({ c, label }) => {
      const live = probeAction(c?.livenessProbe);
      if (live === undefined || live !== probeAction(c?.readinessProbe)) return [];
      return [`${describe(o)}: ${label} livenessProbe and readinessProbe both run ${live}; a backend outage the readiness check sees would restart every pod`];
    }),
});
