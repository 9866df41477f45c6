// Synthetic stacks for the AnalyzeStack benchmark: N web-like workloads (Deployment + Service + PDB, two
// replicas, compliant with every policy) and a ResourceQuota budget they fit, so each policy runs its
// whole path rather than stopping at a first violation.
import type { AnalyzedResource } from "../tools/harness/analyzer";
import { budgetAnnotations, BUDGET_QUOTA_NAME, makeBudget } from "../model/budget";
import type { Bytes, Millicores } from "../model/units";

const NS = "bench";
const Mi = 1024 * 1024;

function resource(type: string, o: { kind: string; metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>): AnalyzedResource {
  return { urn: `urn:pulumi:bench::rightsize::${type}::${o.kind}-${o.metadata.name}`, type, name: o.metadata.name, properties: o };
}

export function syntheticStack(workloads: number): AnalyzedResource[] {
  // Two pods of 100m / 128Mi each, plus one surge pod, on 16-CPU nodes of at most 110 pods: room to spare.
  const nodes = Math.ceil((workloads * 3) / 100) + 1;
  const budget = makeBudget({
    nodes,
    maxPods: 110,
    perNode: { cpuMillis: 16000 as Millicores, memoryBytes: (65536 * Mi) as Bytes },
    reservedPerNode: { cpuMillis: 500 as Millicores, memoryBytes: (2048 * Mi) as Bytes },
  });
  const out: AnalyzedResource[] = [
    resource("kubernetes:core/v1:ResourceQuota", {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: BUDGET_QUOTA_NAME, namespace: NS, annotations: budgetAnnotations(budget) },
      spec: { hard: {} },
    }),
  ];
  for (let i = 0; i < workloads; i++) {
    const name = `app-${i}`;
    const selector = { "app.kubernetes.io/name": "app", "app.kubernetes.io/instance": name };
    out.push(
      resource("kubernetes:apps/v1:Deployment", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: NS, labels: selector, annotations: { "rightsize.io/component": "extra", "rightsize.io/tuning": "{}" } },
        spec: {
          replicas: 2,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels: selector },
            spec: {
              securityContext: { runAsNonRoot: true, runAsUser: 10001 },
              containers: [
                {
                  name: "app",
                  image: "registry.example.com/app:1.0.0",
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                  readinessProbe: { httpGet: { path: "/ready", port: 8000 }, periodSeconds: 10 },
                  livenessProbe: { httpGet: { path: "/livez", port: 8000 }, periodSeconds: 15 },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                },
              ],
            },
          },
        },
      }),
      resource("kubernetes:core/v1:Service", { apiVersion: "v1", kind: "Service", metadata: { name, namespace: NS }, spec: { selector, ports: [{ port: 80, targetPort: 8000 }] } }),
      resource("kubernetes:policy/v1:PodDisruptionBudget", {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace: NS },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      }),
    );
  }
  return out;
}
