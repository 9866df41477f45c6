// rightsize-enforce-beat-singleton: the mandatory rule of one Celery scheduler, from the rightsize.io/component annotation and the rollout strategy.
import { describe, expect, it } from "vitest";
import { evaluate, messages } from "../helpers/policy";
import { baseline, changed, container, find, hpa, scaledObject, workload } from "./fixtures";

describe("rightsize-enforce-beat-singleton", () => {
  const only = "rightsize-enforce-beat-singleton";
  const beat = (edit: (o: any) => void) => changed("Deployment", "celery-beat", edit);

  it("rejects two replicas", async () => {
    expect(await evaluate(beat((o) => (o.spec.replicas = 2)), {}, only)).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "Deployment/celery-beat",
        message: "Deployment celery-beat: Celery beat runs up to 2 replicas; every schedule would fire 2 times",
      },
    ]);
  });

  it("rejects an HPA or a KEDA ScaledObject that can scale it out", async () => {
    expect(await messages([...baseline(), hpa("celery-beat", 1, 3)], only)).toEqual([
      "Deployment celery-beat: Celery beat runs up to 3 replicas; every schedule would fire 3 times",
    ]);
    expect(await messages([...baseline(), scaledObject("celery-beat", 0, 2)], only)).toEqual([
      "Deployment celery-beat: Celery beat runs up to 2 replicas; every schedule would fire 2 times",
    ]);
  });

  it("rejects a rolling update that surges a second scheduler", async () => {
    expect(await messages(beat((o) => (o.spec.strategy = { type: "RollingUpdate" })), only)).toEqual([
      "Deployment celery-beat: Celery beat rolls out with maxSurge 1, so an old and a new scheduler run side by side and fire the same schedule; use strategy Recreate",
    ]);
    expect(await messages(beat((o) => (o.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } })), only)).toEqual([]);
  });

  it("rejects a second beat workload", async () => {
    const second = workload("celery-beat-2", {
      component: "celery-beat",
      strategy: { type: "Recreate" },
      containers: [container("beat", "registry.example.com/rightsize/app:1.0.0", { req: ["50m", "128Mi"], lim: ["500m", "256Mi"] })],
    });
    expect(await messages([...baseline(), second], only)).toEqual([
      "2 Celery beat workloads (Deployment celery-beat, Deployment celery-beat-2); the stack must run exactly one scheduler",
    ]);
    expect(find(baseline(), "Deployment", "celery-beat").spec.strategy).toEqual({ type: "Recreate" });
  });
});
