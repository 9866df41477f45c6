import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { autoscaledRollingUpdate, autoscalerMin, mostReplicas, peakPods, rollingUpdate, type RolloutKind, surgeFor, surgePods } from "../../model/rollout";

const deployment = (strategy: unknown) => ({ kind: "Deployment", spec: { strategy } });

describe("the surge an autoscaled Deployment is written with", () => {
  it("is 100% for a draining worker: read back at any count it is the fixed rule's surge", () => {
    const scaled = deployment(autoscaledRollingUpdate("drain"));
    expect(scaled.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "100%", maxUnavailable: 0 } });
    for (const n of [1, 2, 3, 8, 500]) {
      expect(surgePods(scaled, n)).toBe(surgePods(deployment(rollingUpdate("drain", n)), n));
      expect(n + surgePods(scaled, n)).toBe(peakPods("drain", n));
    }
    // At zero there is nothing to roll.
    expect(surgePods(scaled, 0)).toBe(0);
  });

  it("is one pod for a stateless service, as without an autoscaler", () => {
    expect(autoscaledRollingUpdate("one-at-a-time").rollingUpdate.maxSurge).toBe(1);
  });
});

describe("autoscalerMin and mostReplicas", () => {
  it("an HPA without minReplicas starts at the replicas asked for, never below 1", () => {
    expect(autoscalerMin(undefined, 3)).toBe(3);
    expect(autoscalerMin(undefined, 0)).toBe(1);
    expect(autoscalerMin(2, 5)).toBe(2);
  });
  it("the most pods at rest is the larger of the replicas and the autoscaler's max", () => {
    expect(mostReplicas(2, undefined)).toBe(2);
    expect(mostReplicas(2, 6)).toBe(6);
    expect(mostReplicas(4, 3)).toBe(4);
  });
});

describe("the surge rightsize writes", () => {
  it("is one pod for a stateless service and a whole new set for a draining worker", () => {
    expect([surgeFor("one-at-a-time", 1), surgeFor("one-at-a-time", 10), surgeFor("drain", 1), surgeFor("drain", 4)]).toEqual([1, 1, 1, 4]);
    expect(rollingUpdate("drain", 4)).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 4, maxUnavailable: 0 } });
    expect(rollingUpdate("one-at-a-time", 4)).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it("peaks at replicas + surge, and at nothing when scaled to zero", () => {
    expect([peakPods("one-at-a-time", 3), peakPods("drain", 3), peakPods("one-at-a-time", 0), peakPods("drain", 0)]).toEqual([4, 6, 0, 0]);
  });
});

describe("surgePods, maxSurge as Kubernetes resolves it", () => {
  it("is none for anything but a rolling Deployment", () => {
    expect(surgePods({ kind: "StatefulSet", spec: { replicas: 3 } }, 3)).toBe(0);
    expect(surgePods({ kind: "DaemonSet" }, 3)).toBe(0);
    expect(surgePods(deployment({ type: "Recreate" }), 3)).toBe(0);
  });

  it("takes Kubernetes' default of 25%, rounded up", () => {
    expect([1, 4, 5, 8, 9].map((n) => surgePods({ kind: "Deployment", spec: {} }, n))).toEqual([1, 1, 2, 2, 3]);
    expect(surgePods(deployment({ type: "RollingUpdate" }), 0)).toBe(0);
  });

  it("reads a number, a percentage and a numeric string, and nothing from junk", () => {
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: 2 } }), 5)).toBe(2);
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: "0%" } }), 5)).toBe(0);
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: "34%" } }), 3)).toBe(2); // 1.02 rounds up
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: "2" } }), 5)).toBe(2);
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: "lots" } }), 5)).toBe(0);
  });

  // The controller never scales the new ReplicaSet past `replicas`, so at most `replicas` pods are added.
  it("is never more pods than the Deployment has, and none at zero replicas", () => {
    expect(surgePods(deployment(rollingUpdate("one-at-a-time", 0)), 0)).toBe(0);
    expect(surgePods(deployment(rollingUpdate("drain", 0)), 0)).toBe(0);
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: 5 } }), 2)).toBe(2);
    expect(surgePods(deployment({ rollingUpdate: { maxSurge: "300%" } }), 2)).toBe(2);
  });

  it("reads back the rule it was written with, at every count", () => {
    fc.assert(
      fc.property(fc.constantFrom<RolloutKind>("one-at-a-time", "drain"), fc.integer({ min: 0, max: 500 }), (kind, n) => {
        expect(n + surgePods(deployment(rollingUpdate(kind, n)), n)).toBe(peakPods(kind, n));
        expect(n + surgePods(deployment(autoscaledRollingUpdate(kind)), n)).toBe(peakPods(kind, n));
      }),
    );
  });
});
