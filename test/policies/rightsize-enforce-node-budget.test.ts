// rightsize-enforce-node-budget: each stack here is rejected, and the message gives the numbers.
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../model/k8s";
import { evaluate, messages } from "../helpers/policy";
import { baseline, container, hpa, quota, type QuotaBudget, scaledObject, workload } from "./fixtures";

const POLICY = "rightsize-enforce-node-budget";
const IMAGE = "registry.example.com/rightsize/app:1.0.0";

function pods(name: string, replicas: number, req: [string, string], opts: { kind?: "Deployment" | "StatefulSet"; spread?: boolean; lim?: [string, string] } = {}): K8sObject {
  const o = workload(name, {
    kind: opts.kind ?? "Deployment",
    replicas,
    component: name,
    strategy: { type: "RollingUpdate" }, // Kubernetes' default maxSurge, 25% rounded up
    containers: [container(name, IMAGE, { req, lim: opts.lim ?? req })],
  });
  if (opts.spread) {
    o.spec.template.spec.affinity = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: name } } }] },
    };
  }
  return o;
}

const node = (nodes: number, cpu: number, memoryMi: number, maxPods?: number): QuotaBudget => ({ nodes, cpu, memoryMi, reservedCpu: 0, reservedMi: 0, ...(maxPods ? { maxPods } : {}) });
const budget = (objects: K8sObject[]) => messages(objects, POLICY);

describe("rightsize-enforce-node-budget rejects", () => {
  it("a stack that fits at rest but not with the rollout surge", async () => {
    // 4 x 900m = 3600m fits 4 CPU; the 25% surge adds one more pod: 4500m.
    expect(await evaluate([quota(node(1, 4000, 8192)), pods("api", 4, ["900m", "1Gi"])], {}, POLICY)).toEqual([
      {
        policy: POLICY,
        level: "mandatory",
        resource: "stack",
        message: [
          "The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total).",
          "Budget (from ResourceQuota rightsize-node-budget): 1 node of 4 CPU / 8Gi, reserved 0 CPU / 0 each: allocatable 4 CPU / 8Gi, at most 110 pods per node.",
          "Requests at rest: 3600m CPU / 4Gi in 4 pods; at the rollout peak: 4500m CPU / 5Gi in 5 pods.",
          "Over by 500m CPU at the rollout peak.",
          "Biggest consumers at the peak: Deployment api 5 x 900m CPU / 1Gi = 4500m CPU / 5Gi.",
        ].join("\n"),
      },
    ]);
  });

  it("a stack pushed over by an HPA's maxReplicas", async () => {
    const web = pods("web", 2, ["500m", "512Mi"]);
    delete web.spec.replicas;
    // 2 replicas at the HPA's minimum fit easily; its maximum of 8 (+2 surge) does not.
    expect(await budget([quota(node(1, 4000, 8192)), web, hpa("web", 2, 8)])).toEqual([
      [
        "The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total).",
        "Budget (from ResourceQuota rightsize-node-budget): 1 node of 4 CPU / 8Gi, reserved 0 CPU / 0 each: allocatable 4 CPU / 8Gi, at most 110 pods per node.",
        "Requests at rest: 4 CPU / 4Gi in 8 pods; at the rollout peak: 5 CPU / 5Gi in 10 pods.",
        "Over by 1 CPU at the rollout peak.",
        "Biggest consumers at the peak: Deployment web 10 x 500m CPU / 512Mi = 5 CPU / 5Gi.",
      ].join("\n"),
      // At 6 (+2 surge) x 500m = 4 CPU it fits: the HPA's max is the reason, and it is named.
      "HorizontalPodAutoscaler web: maxReplicas 8 lets Deployment web run 8 pods (+2 during a rollout) of 500m CPU / 512Mi, " +
        "and at that max the stack does not fit its node budget (see the stack's finding); at most maxReplicas 6 fits.",
    ]);
  });

  it("a stack pushed over by a KEDA ScaledObject's maxReplicaCount, naming the ScaledObject", async () => {
    const worker = pods("celery-worker-scraping", 1, ["500m", "1Gi"]);
    delete worker.spec.replicas;
    worker.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } };
    // 5 replicas + 100% surge = 10 x 500m = 5 CPU of 4; at 4 (+4) it is exactly 4 CPU.
    const found = await evaluate([quota(node(1, 4000, 16384)), worker, scaledObject("celery-worker-scraping", 0, 5)], {}, POLICY);
    expect(found.map((f) => [f.level, f.resource])).toEqual([
      ["mandatory", "stack"],
      ["mandatory", "ScaledObject/celery-worker-scraping"],
    ]);
    expect(found[0]!.message.split("\n")[2]).toBe("Requests at rest: 2500m CPU / 5Gi in 5 pods; at the rollout peak: 5 CPU / 10Gi in 10 pods.");
    expect(found[1]!.message).toBe(
      "ScaledObject celery-worker-scraping: maxReplicaCount 5 lets Deployment celery-worker-scraping run 5 pods (+5 during a rollout) of 500m CPU / 1Gi, " +
        "and at that max the stack does not fit its node budget (see the stack's finding); at most maxReplicaCount 4 fits.",
    );
    expect(await budget([quota(node(1, 4000, 16384)), worker, scaledObject("celery-worker-scraping", 0, 4)])).toEqual([]);
  });

  it("a ScaledObject without bounds counts at KEDA's default maximum of 100", async () => {
    const worker = pods("w", 1, ["10m", "16Mi"]);
    delete worker.spec.replicas;
    const [m] = await budget([quota(node(1, 4000, 16384, 110)), worker, scaledObject("w", undefined, undefined)]);
    expect(m!.split("\n")[2]).toBe("Requests at rest: 1 CPU / 1600Mi in 100 pods; at the rollout peak: 1250m CPU / 2000Mi in 125 pods.");
  });

  it("a stack whose totals fit but which cannot pack onto its nodes", async () => {
    // 3 x 2500m = 7500m of 8 CPU, but only one 2500m pod fits in each 4-CPU node.
    expect(await budget([quota(node(2, 4000, 16384)), pods("db", 3, ["2500m", "2Gi"], { kind: "StatefulSet" })])).toEqual([
      [
        "The stack does not fit its node budget (rule 2: 1 pod cannot be packed onto 2 nodes).",
        "Budget (from ResourceQuota rightsize-node-budget): 2 nodes of 4 CPU / 16Gi, reserved 0 CPU / 0 each: allocatable 8 CPU / 32Gi, at most 110 pods per node.",
        "Requests at rest: 7500m CPU / 6Gi in 3 pods; at the rollout peak: 7500m CPU / 6Gi in 3 pods.",
        "Unschedulable: db-2 (no node has room left).",
        "Biggest consumers at the peak: StatefulSet db 3 x 2500m CPU / 2Gi = 7500m CPU / 6Gi.",
      ].join("\n"),
    ]);
  });

  it("a pod larger than one node, and anti-affinity replicas beyond the node count", async () => {
    const objects = [quota(node(2, 4000, 16384)), pods("big", 1, ["5", "1Gi"], { kind: "StatefulSet" }), pods("spread", 3, ["100m", "64Mi"], { kind: "StatefulSet", spread: true })];
    const [m] = await budget(objects);
    expect(m!.split("\n")[0]).toBe("The stack does not fit its node budget (rule 2: 2 pods cannot be packed onto 2 nodes).");
    expect(m).toContain("Unschedulable: big-0 (larger than one node's allocatable), spread-2 (no node left without a replica of it (required anti-affinity)).");
  });

  it("more pods than maxPods allows", async () => {
    const [m] = await budget([quota(node(1, 4000, 8192, 3)), pods("tiny", 4, ["10m", "16Mi"], { kind: "StatefulSet" })]);
    expect(m!.split("\n")[0]).toBe("The stack does not fit its node budget (rule 3: 4 pods at the rollout peak exceed maxPods 3 x 1 node = 3).");
    expect(m).toContain("Unschedulable: tiny-3 (every node with room for it already runs maxPods pods).");
  });

  it("the seed's service table on one 8-core / 16 GB node: 8.6 CPU reserved", async () => {
    // The seed's "Memory/CPU Reserved" columns as requests, its limit columns as limits (its GB/MB are binary).
    const table: [string, "StatefulSet" | "Deployment", [string, string], [string, string]][] = [
      ["postgres", "StatefulSet", ["1", "800Mi"], ["2", "1536Mi"]],
      ["redis", "StatefulSet", ["500m", "256Mi"], ["1", "512Mi"]],
      ["meilisearch", "StatefulSet", ["1", "512Mi"], ["1500m", "1Gi"]],
      ["firecrawl-playwright", "Deployment", ["1", "1536Mi"], ["2", "3Gi"]],
      ["firecrawl-api", "Deployment", ["500m", "512Mi"], ["1500m", "1Gi"]],
      ["firecrawl-worker", "Deployment", ["1", "768Mi"], ["1500m", "1536Mi"]],
      ["backend", "Deployment", ["1", "512Mi"], ["1500m", "1Gi"]],
      ["celery-worker", "Deployment", ["1500m", "1Gi"], ["2500m", "2Gi"]],
      ["celery-beat", "Deployment", ["250m", "128Mi"], ["500m", "256Mi"]],
      ["frontend", "Deployment", ["500m", "256Mi"], ["1", "512Mi"]],
      ["flower", "Deployment", ["250m", "128Mi"], ["500m", "256Mi"]],
      ["mailpit", "Deployment", ["100m", "64Mi"], ["250m", "128Mi"]],
    ];
    const objects = [quota(node(1, 8000, 16384)), ...table.map(([name, kind, req, lim]) => pods(name, 1, req, { kind, lim }))];
    expect(await budget(objects)).toEqual([
      [
        "The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total; rule 2: 3 pods cannot be packed onto 1 node).",
        "Budget (from ResourceQuota rightsize-node-budget): 1 node of 8 CPU / 16Gi, reserved 0 CPU / 0 each: allocatable 8 CPU / 16Gi, at most 110 pods per node.",
        "Requests at rest: 8600m CPU / 6496Mi in 12 pods; at the rollout peak: 14700m CPU / 11424Mi in 21 pods.",
        "Over by 6700m CPU at the rollout peak.",
        "Unschedulable: celery-beat-0 (no node has room left), flower-0 (no node has room left), mailpit-0 (no node has room left).",
        "Biggest consumers at the peak: Deployment celery-worker 2 x 1500m CPU / 1Gi = 3 CPU / 2Gi; Deployment backend 2 x 1 CPU / 512Mi = 2 CPU / 1Gi; " +
          "Deployment firecrawl-playwright 2 x 1 CPU / 1536Mi = 2 CPU / 3Gi; Deployment firecrawl-worker 2 x 1 CPU / 768Mi = 2 CPU / 1536Mi; " +
          "Deployment firecrawl-api 2 x 500m CPU / 512Mi = 1 CPU / 1Gi.",
      ].join("\n"),
    ]);
  });
});

describe("where the budget comes from", () => {
  const pinned = { nodes: 1, cpu: "2", memory: "4Gi", reserved: { cpu: "100m", memory: "256Mi" }, maxPods: 110 };

  it("policy config wins over the ResourceQuota, so a stack cannot raise its own budget", async () => {
    const [m] = await messages(baseline(), POLICY, { [POLICY]: pinned });
    expect(m!.split("\n").slice(0, 2)).toEqual([
      "The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total; rule 2: 2 pods cannot be packed onto 1 node).",
      "Budget (from policy config): 1 node of 2 CPU / 4Gi, reserved 100m CPU / 256Mi each: allocatable 1900m CPU / 3840Mi, at most 110 pods per node.",
    ]);
    expect(await messages(baseline(), POLICY)).toEqual([]);
  });

  it("an incomplete pin is a violation, not a fallback", async () => {
    expect(await messages(baseline(), POLICY, { [POLICY]: { nodes: 3, maxPods: 110 } })).toEqual([
      "the node budget cannot be checked: the policy config sets nodes but not cpu, memory, reserved; a budget needs all four",
    ]);
    expect(await messages(baseline(), POLICY, { [POLICY]: { ...pinned, cpu: "4 cores" } })).toEqual([
      'the node budget cannot be checked: the policy config\'s budget is invalid: cpu: "4 cores" is not a Kubernetes quantity: spaces are not allowed (write e.g. 512Mi, not 512 Mi)',
    ]);
  });

  it("with neither a pin nor the quota, nothing passes", async () => {
    expect(await messages(baseline().filter((o) => o.kind !== "ResourceQuota"), POLICY)).toEqual([
      "no node budget: the policy config sets none (nodes, cpu, memory, reserved) and the stack has no ResourceQuota rightsize-node-budget carrying the budget annotations, so nothing was checked",
    ]);
  });

  it("a quota without its annotations says which are missing", async () => {
    const objects = baseline().map((o) => (o.kind === "ResourceQuota" ? { ...o, metadata: { ...o.metadata, annotations: { "rightsize.io/budget-nodes": "1" } } } : o));
    const [m] = await messages(objects, POLICY);
    expect(m).toBe(
      "the node budget cannot be checked: the ResourceQuota lacks rightsize.io/budget-node-cpu, rightsize.io/budget-node-memory, rightsize.io/budget-reserved-cpu, rightsize.io/budget-reserved-memory, rightsize.io/budget-max-pods",
    );
  });
});
