// An autoscaled pool under mocks: the Deployment leaves its count to KEDA, and the ScaledObject,
// TriggerAuthentication and the operator's allow rule are registered as the cluster would take them.
import { beforeAll, describe, expect, it } from "vitest";
import { Celery } from "../../../components/celery";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, DEV_SECRETS, set, valid } from "../../helpers/stack";

const scraping = {
  queues: ["scraping"],
  timeLimit: 3600,
  softTimeLimit: 3300,
  resources: { requests: { cpu: "300m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  autoscaling: { minReplicas: 0, maxReplicas: 4 },
  database: { poolSize: 1, maxOverflow: 0 },
};

describe("an autoscaled Celery pool under mocks", () => {
  let objects: K8sObject[];
  let types: string[];
  beforeAll(async () => {
    useMocks();
    const values = set(set(set(baseValues(), "postgres.maxConnections", 150), "postgres.resources.limits.memory", "2560Mi"), "celery", { workers: { default: { timeLimit: 120 }, scraping } });
    const r = await collect(() => new Celery("celery", { namespace: "ns", config: valid(values).celery!, image: "reg.example.com/app:1.0.0" }));
    objects = r.objects;
    types = r.resources.map((x) => x.type);
  });

  it("registers a ScaledObject per autoscaled pool, one TriggerAuthentication and the operator's allow rule", () => {
    expect(types).toContain("kubernetes:keda.sh/v1alpha1:ScaledObject");
    expect(types).toContain("kubernetes:keda.sh/v1alpha1:TriggerAuthentication");
    expect(objects.filter((o) => o.apiVersion === "keda.sh/v1alpha1").map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      "ScaledObject/celery-worker-scraping",
      "TriggerAuthentication/celery-broker-auth",
    ]);
    const np = find(objects, "NetworkPolicy", "celery-allow-keda");
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "redis-broker" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "keda" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "keda-operator" } } }],
          ports: [{ protocol: "TCP", port: 6379 }],
        },
      ],
    });
  });

  it("leaves the replica count to KEDA and surges 100% of whatever count it set", () => {
    const d = find(objects, "Deployment", "celery-worker-scraping");
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } });
    // The fixed pool keeps its count.
    expect(find(objects, "Deployment", "celery-worker-default").spec.replicas).toBe(1);
    // Up to 4 replicas: a node drain must not evict them all.
    expect(find(objects, "PodDisruptionBudget", "celery-worker-scraping").spec.maxUnavailable).toBe(1);
  });

  it("targets the pool's Deployment and reads the password from the broker's Secret, never the value", () => {
    const so = find(objects, "ScaledObject", "celery-worker-scraping");
    expect(so.metadata?.namespace).toBe("ns");
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "celery-worker-scraping" });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 4]);
    expect(so.spec.triggers.map((t: { metadata: { listName: string } }) => t.metadata.listName)).toEqual(["scraping", "scraping\x06\x163", "scraping\x06\x166", "scraping\x06\x169"]);
    const ta = find(objects, "TriggerAuthentication", "celery-broker-auth");
    expect(ta.spec).toEqual({ secretTargetRef: [{ parameter: "password", name: "redis-broker-credentials", key: "password" }] });
    for (const o of [so, ta]) expect(JSON.stringify(o)).not.toContain(DEV_SECRETS.redisBroker);
  });
});
