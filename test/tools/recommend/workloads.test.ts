import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../../model/k8s";
import type { Answers, Sample } from "../../../tools/recommend/prometheus";
import { configKeyOf, mapUsage, ownerOf, targetWorkloads } from "../../../tools/recommend/workloads";

const workload = (kind: string, name: string, component: string, container: string, role?: string): K8sObject => ({
  kind,
  metadata: { name, namespace: "ns", annotations: { "rightsize.io/component": component, ...(role ? { "rightsize.io/role": role } : {}) } },
  spec: { template: { spec: { containers: [{ name: container, resources: { limits: { cpu: "1", memory: "1Gi" } } }] } } },
});

const OBJECTS = [
  workload("Deployment", "web", "web", "web"),
  workload("Deployment", "web-api", "extra", "web-api"),
  workload("Deployment", "celery-worker-default", "celery-worker", "worker", "default"),
  workload("Deployment", "celery-beat", "celery-beat", "beat"),
  workload("StatefulSet", "redis-broker", "redis", "redis", "broker"),
  workload("StatefulSet", "postgres", "postgres", "postgres"),
  { kind: "Service", metadata: { name: "web" } },
];

describe("which config key owns a workload's resources", () => {
  it("follows the component annotation, the Redis instance's name and the Celery pool", () => {
    expect(OBJECTS.map(configKeyOf)).toEqual(["web", "extras.web-api", "celery.workers.default", "celery.beat", "redis.broker", "postgres", undefined]);
  });
});

describe("ownerOf: pod names to workloads", () => {
  const ws = targetWorkloads(OBJECTS);
  it("Deployment pods are <name>-<hash>-<5 chars>; StatefulSet pods <name>-<ordinal>", () => {
    expect(ownerOf("web-7d9f8c6b5-x2k9q", ws)?.name).toBe("web");
    expect(ownerOf("web-api-7d9f8c6b5-x2k9q", ws)?.name).toBe("web-api");
    expect(ownerOf("celery-worker-default-5c4b8-abcde", ws)?.name).toBe("celery-worker-default");
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
  const s = (pod: string, container: string, value: number): Sample => ({ namespace: "ns", pod, container, value });
  const empty: Answers = { cpu: [], memory: [], oom: [], restarts: [], samples: [], first: [], last: [] };
  it("takes the largest pod's peaks, any pod's OOM kill, sums restarts and samples, spans history over pods", () => {
    const a: Answers = {
      ...empty,
      cpu: [s("web-aaaaa-bbbbb", "web", 0.2), s("web-aaaaa-ccccc", "web", 0.3)],
      memory: [s("web-aaaaa-bbbbb", "web", NaN), s("web-aaaaa-ccccc", "web", 300)],
      oom: [s("web-aaaaa-bbbbb", "web", 1)],
      restarts: [s("web-aaaaa-bbbbb", "web", 2), s("web-aaaaa-ccccc", "web", 1)],
      samples: [s("web-aaaaa-bbbbb", "web", 10), s("web-aaaaa-ccccc", "web", 20)],
      first: [s("web-aaaaa-bbbbb", "web", 100), s("web-aaaaa-ccccc", "web", 50)],
      last: [s("web-aaaaa-bbbbb", "web", 900), s("web-aaaaa-ccccc", "web", 1000)],
    };
    const m = mapUsage(a, targetWorkloads(OBJECTS));
    expect(m.usage.get("web")).toEqual({ cpuCores: 0.3, memoryPeakBytes: 300, oomKilled: true, restarts: 3, samples: 30, first: 50, last: 1000, pods: ["web-aaaaa-bbbbb", "web-aaaaa-ccccc"] });
    expect(m.unmatched).toEqual([]);
  });
  it("NaN stays NaN when no pod has a number", () => {
    const m = mapUsage({ ...empty, memory: [s("postgres-0", "postgres", NaN)] }, targetWorkloads(OBJECTS));
    expect(m.usage.get("postgres")!.memoryPeakBytes).toBeNaN();
  });
  it("reports pods no workload owns, and containers that are not the workload's, once each", () => {
    const a: Answers = { ...empty, cpu: [s("legacy-5d8f7-x2k9q", "api", 1), s("web-aaaaa-bbbbb", "sidecar", 1)], memory: [s("legacy-5d8f7-x2k9q", "api", 1)] };
    expect(mapUsage(a, targetWorkloads(OBJECTS)).unmatched).toEqual([
      { pod: "legacy-5d8f7-x2k9q", container: "api", reason: "no Deployment or StatefulSet of the stack owns this pod" },
      { pod: "web-aaaaa-bbbbb", container: "sidecar", reason: "container sidecar is not Deployment web's web" },
    ]);
  });
});
