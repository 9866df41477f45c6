// kubectl against the test's cluster, and what the suite puts in a cluster before the program runs:
// fake nodes sized from a stack's nodeBudget, volumes for its claims, KEDA's vendored CRDs.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers/run";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kube {
  constructor(
    readonly kubectl: string,
    readonly kubeconfig: string,
    readonly context: string,
  ) {}

  run(args: string[], input?: string): Ran {
    const r = spawnSync(this.kubectl, [`--kubeconfig=${this.kubeconfig}`, `--context=${this.context}`, ...args], { encoding: "utf8", input, timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
  }

  ok(args: string[], input?: string): string {
    const r = this.run(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  json<T = KList>(args: string[]): T {
    return JSON.parse(this.ok([...args, "-o", "json"])) as T;
  }

  apply(objects: unknown[]): void {
    this.ok(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
  }
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
export interface KList<T = KObject> {
  items: T[];
}

/** The budget as `npm run plan -- <stack> --json` reports it (the numbers the budget policy uses). */
export interface PlanBudget {
  nodes: number;
  maxPods?: number;
  perNode: { cpuMillis: number; memoryBytes: number };
  allocatablePerNode: { cpuMillis: number; memoryBytes: number };
}

export const FAKE = { annotation: "kwok.x-k8s.io/node", label: "rightsize.io/test-node" };

/**
 * Replaces the fake nodes with `nodes` nodes of the budget's capacity and allocatable (capacity minus
 * `reserved`), as a kubelet with those reservations would report them, so kube-scheduler places pods
 * against the numbers the budget policy uses.
 */
export function setNodes(kube: Kube, budget: PlanBudget): string[] {
  kube.ok(["delete", "nodes", "-l", `${FAKE.label}=true`, "--wait=true", "--ignore-not-found"]);
  const names = Array.from({ length: budget.nodes }, (_, i) => `rightsize-node-${i}`);
  const pods = String(budget.maxPods ?? 110);
  const nodes = names.map((name) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [FAKE.annotation]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: { [FAKE.label]: "true", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
    },
    status: {
      capacity: { cpu: `${budget.perNode.cpuMillis}m`, memory: String(budget.perNode.memoryBytes), pods },
      allocatable: { cpu: `${budget.allocatablePerNode.cpuMillis}m`, memory: String(budget.allocatablePerNode.memoryBytes), pods },
    },
  }));
  // a Node's status is taken from the create request (that is how a kubelet registers), not from apply
  kube.ok(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: nodes }));
  return names;
}

export interface Claim {
  namespace: string;
  name: string;
  storage: string;
  storageClassName?: string;
  accessModes: string[];
}

/** Claims the rendered objects will make: each StatefulSet's templates x replicas, and standalone PVCs. */
export function claimsOf(objects: KObject[], namespace: string): Claim[] {
  const out: Claim[] = [];
  for (const o of objects) {
    const spec = (o.spec ?? {}) as Record<string, any>;
    if (o.kind === "StatefulSet") {
      for (const t of (spec.volumeClaimTemplates ?? []) as any[]) {
        for (let i = 0; i < Number(spec.replicas ?? 1); i++) {
          out.push({ namespace, name: `${t.metadata.name}-${o.metadata.name}-${i}`, storage: t.spec.resources.requests.storage, storageClassName: t.spec.storageClassName, accessModes: t.spec.accessModes ?? ["ReadWriteOnce"] });
        }
      }
    } else if (o.kind === "PersistentVolumeClaim") {
      out.push({ namespace, name: o.metadata.name, storage: spec.resources.requests.storage, storageClassName: spec.storageClassName, accessModes: spec.accessModes ?? ["ReadWriteOnce"] });
    }
  }
  return out;
}

/** One volume per claim, reserved for it by claimRef, so each claim binds to its own volume at once. */
export function createVolumes(kube: Kube, claims: Claim[]): void {
  const pvs = claims.map((c) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `pv-${c.namespace}-${c.name}`, labels: { [FAKE.label]: "true" } },
    spec: {
      capacity: { storage: c.storage },
      accessModes: c.accessModes,
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: c.storageClassName ?? "",
      claimRef: { namespace: c.namespace, name: c.name },
      hostPath: { path: `/tmp/rightsize-fake-volumes/${c.namespace}/${c.name}` },
    },
  }));
  if (pvs.length > 0) kube.apply(pvs);
}

/**
 * KEDA's CRDs from the schemas vendored for the schema tests (test/real/fixtures/keda: 2.16.1's
 * ScaledObject, the 2.15 line's TriggerAuthentication), wrapped in the CustomResourceDefinitions KEDA's
 * chart installs (group keda.sh, v1alpha1, namespaced, status subresource), so ScaledObjects are real API
 * objects validated by the apiserver. Only the CRDs: no KEDA operator runs.
 */
export function applyKedaCrds(kube: Kube): void {
  const dir = join(ROOT, "test", "real", "fixtures", "keda");
  const crd = (kind: string, plural: string, file: string) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.keda.sh` },
    spec: {
      group: "keda.sh",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: "Namespaced",
      versions: [{ name: "v1alpha1", served: true, storage: true, schema: parse(readFileSync(join(dir, file), "utf8")), subresources: { status: {} } }],
    },
  });
  kube.apply([crd("ScaledObject", "scaledobjects", "scaledobjects.keda.sh.yaml"), crd("TriggerAuthentication", "triggerauthentications", "triggerauthentications.keda.sh.yaml")]);
  kube.ok(["wait", "--for=condition=Established", "--timeout=60s", "crd/scaledobjects.keda.sh", "crd/triggerauthentications.keda.sh"]);
}
