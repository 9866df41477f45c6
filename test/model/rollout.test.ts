import { describe, expect, it } from "vitest";
import { autoscaledRollingUpdate, autoscalerMin, mostReplicas, peakPods, rollingUpdate, surgePods } from "../../model/rollout";

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
