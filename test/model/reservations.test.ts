import { describe, expect, it } from "vitest";
import { makeBudget, type Amount } from "../../model/budget";
import { pack } from "../../model/packing";
import { addHpa, containerLimits, containerRequests, type HpaIndex, isScaler, podLimits, podRequests, totals, workloadsFrom } from "../../model/reservations";
import { surgePods } from "../../model/rollout";
import { type K8sObject } from "../../model/k8s";
import type { Bytes, Millicores } from "../../model/units";

const Mi = 1024 * 1024;
const amount = (cpuMillis: number, memMi: number): Amount => ({ cpuMillis: cpuMillis as Millicores, memoryBytes: (memMi * Mi) as Bytes });
const container = (name: string, cpu: string, memory: string, extra: object = {}) => ({ name, resources: { requests: { cpu, memory }, limits: { cpu, memory } }, ...extra });

function deployment(name: string, replicas: number | undefined, req: [string, string], extra: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ns" },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: { containers: [container("c", ...req)] } }, ...extra },
  };
}

describe("pod requests", () => {
  it("is the sum of app containers when it exceeds every init container", () => {
    expect(podRequests({ containers: [container("a", "100m", "64Mi"), container("b", "200m", "64Mi")], initContainers: [container("i", "250m", "32Mi")] })).toEqual(
      amount(300, 128),
    );
  });
  it("is the largest init container when that is bigger, per resource", () => {
    expect(podRequests({ containers: [container("a", "100m", "64Mi")], initContainers: [container("i", "1", "32Mi")] })).toEqual(amount(1000, 64));
  });
  it("counts sidecars (restartPolicy Always) for the whole pod life, plus overhead", () => {
    const spec = {
      initContainers: [container("side", "100m", "16Mi", { restartPolicy: "Always" }), container("i", "200m", "16Mi")],
      containers: [container("a", "100m", "64Mi")],
      overhead: { cpu: "10m", memory: "8Mi" },
    };
    // max(100+200 during init, 100+100 running) + 10 overhead; memory max(32, 80) + 8
    expect(podRequests(spec)).toEqual(amount(310, 88));
  });
  it("takes the limit as the request when only a limit is set", () => {
    expect(podRequests({ containers: [{ name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } }] })).toEqual(amount(1000, 1024));
  });
});

describe("surge and totals", () => {
  it("rounds a percentage maxSurge up", () => {
    expect(surgePods(deployment("a", 3, ["1", "1Gi"]), 3)).toBe(1);
    expect(surgePods(deployment("a", 5, ["1", "1Gi"], { strategy: { rollingUpdate: { maxSurge: "50%" } } }), 5)).toBe(3);
    expect(surgePods(deployment("a", 5, ["1", "1Gi"], { strategy: { type: "Recreate" } }), 5)).toBe(0);
    expect(surgePods(deployment("a", 5, ["1", "1Gi"], { strategy: { rollingUpdate: { maxSurge: 2 } } }), 5)).toBe(2);
  });

  it("uses the HPA's maxReplicas and adds every Deployment's surge to the peak", () => {
    const objs: K8sObject[] = [
      deployment("web", undefined, ["500m", "512Mi"]),
      { kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "ns" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 4 } },
      { kind: "StatefulSet", metadata: { name: "db", namespace: "ns" }, spec: { replicas: 1, template: { spec: { containers: [container("pg", "1", "1Gi")] } } } },
      { kind: "DaemonSet", metadata: { name: "agent", namespace: "ns" }, spec: { template: { spec: { containers: [container("a", "50m", "32Mi")] } } } },
    ];
    const ws = workloadsFrom(objs, 3);
    expect(ws.map((w) => [w.name, w.replicas, w.maxReplicas, w.surgePods])).toEqual([
      ["web", 2, 4, 1],
      ["db", 1, 1, 0],
      ["agent", 3, 3, 0],
    ]);
    const t = totals(ws);
    expect(t.requests).toEqual(amount(4 * 500 + 1000 + 3 * 50, 4 * 512 + 1024 + 3 * 32));
    expect(t.rolloutPeak).toEqual(amount(4 * 500 + 1000 + 3 * 50 + 500, 4 * 512 + 1024 + 3 * 32 + 512));
  });
});

describe("KEDA ScaledObjects", () => {
  it("count like an HPA: minReplicaCount..maxReplicaCount, KEDA's defaults 0 and 100, target kind Deployment", () => {
    const so = (name: string, spec: Record<string, unknown>): K8sObject => ({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name, namespace: "ns" }, spec: { scaleTargetRef: { name }, ...spec } });
    const objs: K8sObject[] = [
      deployment("a", undefined, ["500m", "512Mi"]),
      so("a", { minReplicaCount: 1, maxReplicaCount: 6 }),
      deployment("b", undefined, ["500m", "512Mi"]),
      so("b", {}),
      // Not KEDA's: an unrelated CRD of the same kind name does not count.
      deployment("c", 2, ["500m", "512Mi"]),
      { apiVersion: "example.com/v1", kind: "ScaledObject", metadata: { name: "c", namespace: "ns" }, spec: { scaleTargetRef: { name: "c" }, maxReplicaCount: 50 } },
    ];
    expect(workloadsFrom(objs, 1).map((w) => [w.name, w.replicas, w.maxReplicas, w.scaledBy])).toEqual([
      ["a", 1, 6, "ScaledObject/a"],
      ["b", 0, 100, "ScaledObject/b"],
      ["c", 2, 2, undefined],
    ]);
  });
});

describe("packing", () => {
  const budget = makeBudget({ nodes: 2, maxPods: 110, perNode: amount(4000, 8192), reservedPerNode: amount(0, 0) });

  it("places everything that fits, biggest first", () => {
    const ws = workloadsFrom([deployment("a", 2, ["3", "1Gi"]), deployment("b", 2, ["1", "1Gi"])], 2);
    const p = pack(ws, budget);
    expect(p.fits).toBe(true);
    expect(p.nodes.map((n) => n.pods.sort())).toEqual([["a-0", "b-0"], ["a-1", "b-1"]]);
  });

  it("rejects a pod larger than one node even when the totals fit", () => {
    const ws = workloadsFrom([deployment("big", 1, ["5", "1Gi"])], 2);
    expect(pack(ws, budget).unplaced).toEqual([{ pod: "big-0", reason: "larger than one node's allocatable" }]);
  });

  it("fails when fragments do not add up to a whole pod", () => {
    const ws = workloadsFrom([deployment("a", 3, ["2500m", "1Gi"])], 2);
    const p = pack(ws, budget);
    expect(p.fits).toBe(false);
    expect(p.unplaced).toEqual([{ pod: "a-2", reason: "no node has room left" }]);
  });

  it("keeps required anti-affinity replicas on separate nodes", () => {
    const affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: {} }] } };
    const d = deployment("spread", 3, ["100m", "64Mi"]);
    d.spec.template.spec.affinity = affinity;
    d.spec.template.metadata = {};
    const ws = workloadsFrom([d], 2);
    expect(ws[0]!.spreadRequired).toBe(true);
    expect(pack(ws, budget).unplaced.map((u) => u.pod)).toEqual(["spread-2"]);
  });

  it("respects maxPods", () => {
    const small = makeBudget({ nodes: 1, maxPods: 2, perNode: amount(4000, 8192), reservedPerNode: amount(0, 0) });
    expect(pack(workloadsFrom([deployment("a", 3, ["10m", "8Mi"])], 1), small).unplaced).toHaveLength(1);
  });
});

describe("limits", () => {
  it("takes no request as a limit: an unset limit counts as none", () => {
    expect(containerLimits({ resources: { requests: { cpu: "1", memory: "1Gi" } } })).toEqual(amount(0, 0));
    expect(containerLimits({ resources: { limits: { cpu: "1500m", memory: "1Gi" } } })).toEqual(amount(1500, 1024));
    expect(containerRequests({})).toEqual(amount(0, 0));
  });

  it("follows the same init and sidecar rule as requests", () => {
    const spec = {
      initContainers: [container("side", "100m", "16Mi", { restartPolicy: "Always" }), container("migrate", "2", "32Mi")],
      containers: [container("a", "100m", "64Mi")],
    };
    expect(podLimits(spec)).toEqual(amount(2100, 80));
  });
});

describe("workloadOf by kind", () => {
  const spec = { template: { spec: { containers: [container("c", "100m", "64Mi")] } } };
  const at = (o: K8sObject, hpas: K8sObject[] = []) => workloadsFrom([...hpas, o], 3).map((w) => [w.kind, w.replicas, w.maxReplicas, w.component])[0];

  it("counts Jobs by parallelism, a Pod once and a DaemonSet once per node", () => {
    expect(at({ kind: "Job", metadata: { name: "j" }, spec: { parallelism: 3, ...spec } })).toEqual(["Job", 3, 3, "job"]);
    expect(at({ kind: "Job", metadata: { name: "j" }, spec })).toEqual(["Job", 1, 1, "job"]);
    expect(at({ kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { parallelism: 2, ...spec } } } })).toEqual(["CronJob", 2, 2, "cronjob"]);
    expect(at({ kind: "Pod", metadata: { name: "p" }, spec: spec.template.spec })).toEqual(["Pod", 1, 1, "pod"]);
    expect(at({ kind: "DaemonSet", metadata: { name: "d" }, spec })).toEqual(["DaemonSet", 3, 3, "daemonset"]);
  });

  it("takes the component from the annotation", () => {
    expect(at({ kind: "Deployment", metadata: { name: "w", annotations: { "rightsize.io/component": "web" } }, spec })).toEqual(["Deployment", 1, 1, "web"]);
  });

  it("reads the tuning, and none from an annotation that is not JSON", () => {
    const o = (t: string): K8sObject => ({ kind: "Deployment", metadata: { name: "w", annotations: { "rightsize.io/tuning": t } }, spec });
    expect(workloadsFrom([o('{"workers":3}')], 1)[0]!.tuning).toEqual({ workers: 3 });
    expect(workloadsFrom([o("{workers")], 1)[0]!.tuning).toEqual({});
  });

  it("requires spreading only for anti-affinity on the hostname", () => {
    const withTopology = (topologyKey: string): K8sObject => ({
      kind: "Deployment",
      metadata: { name: "w" },
      spec: { template: { spec: { ...spec.template.spec, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey }] } } } } },
    });
    expect(workloadsFrom([withTopology("kubernetes.io/hostname")], 1)[0]!.spreadRequired).toBe(true);
    expect(workloadsFrom([withTopology("topology.kubernetes.io/zone")], 1)[0]!.spreadRequired).toBe(false);
  });
});

describe("autoscalers", () => {
  const hpa = (name: string, max: number, extra: Record<string, unknown> = {}): K8sObject => ({
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "ns" },
    spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: max },
    ...extra,
  });

  it("takes the larger max of two on one target, the first on a tie", () => {
    const ws = (hs: K8sObject[]) => workloadsFrom([deployment("web", undefined, ["100m", "64Mi"]), ...hs], 1).map((w) => [w.maxReplicas, w.scaledBy]);
    expect(ws([hpa("a", 4), hpa("b", 6)])).toEqual([[6, "HorizontalPodAutoscaler/b"]]);
    expect(ws([hpa("b", 6), hpa("a", 4)])).toEqual([[6, "HorizontalPodAutoscaler/b"]]);
    expect(ws([hpa("a", 6), hpa("b", 6)])).toEqual([[6, "HorizontalPodAutoscaler/a"]]);
  });

  it("applies only in its own namespace and only with a target", () => {
    expect(workloadsFrom([deployment("web", 2, ["100m", "64Mi"]), hpa("a", 6, { metadata: { name: "a", namespace: "other" } })], 1)[0]!.maxReplicas).toBe(2);
    const index: HpaIndex = new Map();
    addHpa(index, { kind: "HorizontalPodAutoscaler", metadata: { name: "x" }, spec: { maxReplicas: 3 } });
    addHpa(index, { kind: "Service", metadata: { name: "y" }, spec: { scaleTargetRef: { name: "web" } } });
    expect(index.size).toBe(0);
    addHpa(index, { kind: "HorizontalPodAutoscaler", metadata: { name: "z" }, spec: { scaleTargetRef: { name: "web" } } });
    expect(index.get("Deployment//web")).toEqual({ min: 1, max: 1, by: "HorizontalPodAutoscaler/z" });
  });

  it("is not named as the scaler when the Deployment asks for more than its max", () => {
    const [w] = workloadsFrom([deployment("web", 5, ["100m", "64Mi"]), hpa("a", 3)], 1);
    expect([w!.replicas, w!.maxReplicas, w!.scaledBy]).toEqual([5, 5, undefined]);
  });

  it("knows an HPA and KEDA's ScaledObject, not a look-alike", () => {
    expect(isScaler({ kind: "HorizontalPodAutoscaler" })).toBe(true);
    expect(isScaler({ kind: "ScaledObject", apiVersion: "keda.sh/v1alpha1" })).toBe(true);
    expect(isScaler({ kind: "ScaledObject" })).toBe(false);
    expect(isScaler({ kind: "Deployment" })).toBe(false);
  });
});

describe("workloadsFrom's attempt", () => {
  it("wraps every read with the object's index, autoscalers first, so a caller can skip an unreadable one", () => {
    const objs: K8sObject[] = [deployment("a", 1, ["100m", "64Mi"]), { kind: "Service", metadata: { name: "s" } }, deployment("b", 1, ["100m", "64Mi"]), { kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "ns" }, spec: { scaleTargetRef: { name: "a" }, maxReplicas: 4 } }];
    const seen: number[] = [];
    const ws = workloadsFrom(objs, 1, (read, i) => {
      seen.push(i);
      if (i !== 2) read();
    });
    expect(seen).toEqual([3, 0, 2]);
    expect(ws.map((w) => [w.name, w.maxReplicas])).toEqual([["a", 4]]);
  });
});
