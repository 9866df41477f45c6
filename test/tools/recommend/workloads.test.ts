import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../../model/k8s";
import { type Answers, QUERY_NAMES, type Sample } from "../../../tools/recommend/prometheus";
import { configKeyOf, mapUsage, ownerOf, targetWorkloads } from "../../../tools/recommend/workloads";

const workload = (kind: string, name: string, component: string, container: string, role?: string, configKey?: string): K8sObject => ({
  kind,
  metadata: {
    name,
    namespace: "ns",
    annotations: { "rightsize.io/component": component, ...(role ? { "rightsize.io/role": role } : {}), ...(configKey ? { "rightsize.io/config-key": configKey } : {}) },
  },
  spec: { template: { spec: { containers: [{ name: container, resources: { limits: { cpu: "1", memory: "1Gi" } } }] } } },
});

const OBJECTS = [
  workload("Deployment", "web", "web", "web", undefined, "web"),
  workload("Deployment", "web-api", "extra", "web-api", undefined, "extras.web-api"),
  workload("Deployment", "celery-worker-default", "celery-worker", "worker", "default", "celery.workers.default"),
  workload("Deployment", "celery-beat", "celery-beat", "beat", undefined, "celery.beat"),
  workload("StatefulSet", "redis-broker", "redis", "redis", "broker", "redis.broker"),
  workload("StatefulSet", "postgres", "postgres", "postgres", undefined, "postgres"),
  { kind: "Service", metadata: { name: "web" } },
];

describe("which config key owns a workload's resources", () => {
  it("reads the rightsize.io/config-key annotation when the object carries it", () => {
    const o = workload("Deployment", "celery-worker-x", "celery-worker", "worker");
    o.metadata!.annotations!["rightsize.io/config-key"] = "celery.workers.x";
    expect(configKeyOf(o)).toBe("celery.workers.x");
  });
  it("without the annotation: none unless the stack config is given (then the descriptor's workloads by name)", () => {
    expect(configKeyOf(workload("Deployment", "web", "web", "web"))).toBeUndefined();
  });
  it("reads each workload's annotation", () => {
    expect(OBJECTS.map((o) => configKeyOf(o))).toEqual(["web", "extras.web-api", "celery.workers.default", "celery.beat", "redis.broker", "postgres", undefined]);
  });
});

describe("ownerOf: pod names to workloads", () => {
  const ws = targetWorkloads(OBJECTS);
  it("Deployment pods are <name>-<hash>-<5 chars>; StatefulSet pods <name>-<ordinal>", () => {
    expect(ownerOf("web-7d9f8c6b5-x2k9q", ws)?.name).toBe("web");
    expect(ownerOf("web-api-7d9f8c6b5-x2k9q", ws)?.name).toBe("web-api");
    expect(ownerOf("celery-worker-default-5c4b8-xbcdz", ws)?.name).toBe("celery-worker-default");
    expect(ownerOf("postgres-0", ws)?.name).toBe("postgres");
    expect(ownerOf("redis-broker-12", ws)?.name).toBe("redis-broker");
  });
  it("no prefix match: a StatefulSet name does not claim Deployment-shaped pods, nor the reverse", () => {
    expect(ownerOf("postgres-7d9f8c6b5-x2k9q", ws)).toBeUndefined();
    expect(ownerOf("web-0", ws)).toBeUndefined();
    expect(ownerOf("webx-7d9f8c6b5-x2k9q", ws)).toBeUndefined();
    expect(ownerOf("web-x2k9q", ws)).toBeUndefined();
  });
});

describe("mapUsage", () => {
  const s = (pod: string, container: string, value: number, labels: Record<string, string> = {}): Sample => ({ namespace: "ns", pod, container, value, labels });
  const empty = Object.fromEntries(QUERY_NAMES.map((n) => [n, []])) as unknown as Answers;
  it("takes the largest pod's peaks, any pod's OOM kill, sums restarts and samples, spans history over pods", () => {
    const a: Answers = {
      ...empty,
      cpu: [s("web-bbbbb-bbbbb", "web", 0.2), s("web-bbbbb-ccccc", "web", 0.3)],
      memory: [s("web-bbbbb-bbbbb", "web", NaN), s("web-bbbbb-ccccc", "web", 300)],
      oom: [s("web-bbbbb-bbbbb", "web", 1)],
      restarts: [s("web-bbbbb-bbbbb", "web", 2), s("web-bbbbb-ccccc", "web", 1)],
      samples: [s("web-bbbbb-bbbbb", "web", 10), s("web-bbbbb-ccccc", "web", 20)],
      first: [s("web-bbbbb-bbbbb", "web", 100), s("web-bbbbb-ccccc", "web", 50)],
      last: [s("web-bbbbb-bbbbb", "web", 900), s("web-bbbbb-ccccc", "web", 1000)],
    };
    const m = mapUsage(a, targetWorkloads(OBJECTS));
    expect(m.usage.get("web")).toEqual({
      cpuCores: 0.3,
      memoryPeakBytes: 300,
      oomKilled: true,
      restarts: 3,
      samples: 30,
      first: 50,
      last: 1000,
      pods: ["web-bbbbb-bbbbb", "web-bbbbb-ccccc"],
      // web-bbbbb-ccccc restarted with no reason reported.
      restartReasons: ["unknown reason"],
    });
    expect(m.unmatched).toEqual([]);
  });
  it("NaN stays NaN when no pod has a number", () => {
    const m = mapUsage({ ...empty, memory: [s("postgres-0", "postgres", NaN)] }, targetWorkloads(OBJECTS));
    expect(m.usage.get("postgres")!.memoryPeakBytes).toBeNaN();
  });
  it("reports pods no workload owns, and containers that are not the workload's, once each", () => {
    const a: Answers = { ...empty, cpu: [s("legacy-5d8f7-x2k9q", "api", 1), s("web-bbbbb-bbbbb", "sidecar", 1)], memory: [s("legacy-5d8f7-x2k9q", "api", 1)] };
    expect(mapUsage(a, targetWorkloads(OBJECTS)).unmatched).toEqual([
      { pod: "legacy-5d8f7-x2k9q", container: "api", reason: "no Deployment or StatefulSet of the stack owns this pod" },
      { pod: "web-bbbbb-bbbbb", container: "sidecar", reason: "container sidecar is not Deployment web's web" },
    ]);
  });
});

describe("mapUsage: OOM kills inside the window, restarts, coverage, the limit at the kill", () => {
  const s = (pod: string, value: number, labels: Record<string, string> = {}): Sample => ({ namespace: "ns", pod, container: "web", value, labels });
  const empty = Object.fromEntries(QUERY_NAMES.map((n) => [n, []])) as unknown as Answers;
  const ws = targetWorkloads(OBJECTS);
  const base = { memory: [s("web-bbbbb-bbbbb", 100), s("web-bbbbb-ccccc", 100)], samples: [s("web-bbbbb-bbbbb", 10)], first: [s("web-bbbbb-bbbbb", 0)], last: [s("web-bbbbb-bbbbb", 7 * 86400)] };
  it("a kill counts only where the oom answer saw the counter rise under the reason; its limit then is the one at the kill", () => {
    const a: Answers = {
      ...empty,
      ...base,
      oom: [s("web-bbbbb-ccccc", 1)],
      reasons: [s("web-bbbbb-bbbbb", 1, { reason: "OOMKilled" }), s("web-bbbbb-ccccc", 1, { reason: "OOMKilled" })],
      restarts: [s("web-bbbbb-bbbbb", 0), s("web-bbbbb-ccccc", 1)],
      limits: [s("web-bbbbb-bbbbb", 2e9, { resource: "memory" }), s("web-bbbbb-ccccc", 1e9, { resource: "memory" }), s("web-bbbbb-ccccc", 0.5, { resource: "cpu" })],
    };
    const u = mapUsage(a, ws).usage.get("web")!;
    expect(u).toMatchObject({ oomKilled: true, oomLimitBytes: 1e9, staleOom: true, memoryLimitBytes: 2e9, cpuLimitMillis: 500 });
    expect(u.restartReasons).toBeUndefined();
  });
  it("a stale OOMKilled reason alone raises nothing; restarts with reason Error are said", () => {
    const a: Answers = { ...empty, ...base, reasons: [s("web-bbbbb-bbbbb", 1, { reason: "OOMKilled" }), s("web-bbbbb-ccccc", 1, { reason: "Error" })], restarts: [s("web-bbbbb-ccccc", 3)] };
    const u = mapUsage(a, ws).usage.get("web")!;
    expect(u.oomKilled).toBe(false);
    expect(u.staleOom).toBe(true);
    expect(u.restartReasons).toEqual(["Error"]);
  });
  it("coverage: minutes with samples summed over pods, per replica, at most the span and the window", () => {
    const a: Answers = { ...empty, ...base, coverage: [s("web-bbbbb-bbbbb", 120), s("web-bbbbb-ccccc", 60)] };
    expect(mapUsage(a, ws, () => 2, 7 * 86400).usage.get("web")!.coverageSeconds).toBe(90 * 60);
    expect(mapUsage(a, ws, () => 1, 3600).usage.get("web")!.coverageSeconds).toBe(3600);
  });
  it("kube_pod_owner decides when present: a Job's pod named like a Deployment's is skipped, a ReplicaSet's counts", () => {
    const a: Answers = {
      ...empty,
      memory: [s("web-bbbbb-bbbbb", 100), s("web-bcdfg-xz2k4", 9e9)],
      podOwner: [
        { namespace: "ns", pod: "web-bbbbb-bbbbb", container: "", value: 1, labels: { owner_kind: "ReplicaSet", owner_name: "web-bbbbb" } },
        { namespace: "ns", pod: "web-bcdfg-xz2k4", container: "", value: 1, labels: { owner_kind: "Job", owner_name: "web-bcdfg" } },
      ],
      replicaSetOwner: [{ namespace: "ns", pod: "", container: "", value: 1, labels: { replicaset: "web-bbbbb", owner_kind: "Deployment", owner_name: "web" } }],
    };
    const m = mapUsage(a, ws);
    expect(m.mappedBy).toBe("kube_pod_owner");
    expect(m.usage.get("web")!.memoryPeakBytes).toBe(100);
    expect(m.unmatched).toEqual([{ pod: "web-bcdfg-xz2k4", container: "web", reason: "owned by Job web-bcdfg (kube_pod_owner), not a Deployment or StatefulSet" }]);
  });
});

describe("ownerOf by name: only Kubernetes' pod-template hashes", () => {
  const ws = targetWorkloads(OBJECTS);
  it("a Job's pod and a CronJob's pod named after web are never web's", () => {
    expect(ownerOf("web-migrate-z9zpm", ws)).toBeUndefined();
    expect(ownerOf("web-28391234-cpgpk", ws)).toBeUndefined();
    // All digits in the alphabet (2, 4-9) still reads as a CronJob's scheduled minute.
    expect(ownerOf("web-28492456-cpgpk", ws)).toBeUndefined();
    expect(ownerOf("web-l9xswb49d-9vbj8", ws)?.name).toBe("web");
  });
});
