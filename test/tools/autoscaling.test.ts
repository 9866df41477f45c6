// KEDA autoscaling through plan's library: prod's scraping pool at 1..3 fits; the same stack with a
// ScaledObject max past the budget violates the budget naming the ScaledObject; a bad autoscaling key is
// a config error.
import { describe, expect, it } from "vitest";
import { violatesMandatory } from "../../tools/capacity/plan-stack";
import { StackConfigInvalid } from "../../tools/harness/errors";
import { renderText } from "../../tools/plan/report";
import { usePlanner } from "../helpers/plan";
import { edited, shippedStack, stackDir } from "../helpers/run";

const planner = usePlanner();
const variant = (name: string, edits: [string, string][]) => stackDir(name, edited(shippedStack("prod"), edits));

describe("plan with a KEDA-scaled pool", () => {
  it("prod: the scraping pool shows 1..3 and the totals count it at 3, with a full surge", async () => {
    const { plan: p } = await planner.plan("prod");
    const w = p.workloads.find((x) => x.name === "celery-worker-scraping")!;
    expect([w.replicas, w.maxReplicas, w.scaler]).toEqual([1, 3, "ScaledObject/celery-worker-scraping"]);
    expect(p.violations).toEqual([]);
    const text = renderText(p, "Pulumi.prod.yaml");
    expect(text).toMatch(/^celery-worker-scraping\s+Deployment\s+1\.\.3\s+300m \/ 1Gi/m);
  });

  it("violates the budget when the ScaledObject's maxReplicaCount overflows it, naming it and the max that fits", async () => {
    // The pool's extra connections go through PgBouncer (its max_client_conn follows the demand), so
    // only the budget is wrong with the stack.
    const dir = variant("prodbig", [["          maxReplicas: 3\n", "          maxReplicas: 8\n"]]);
    // A valid config (no StackConfigInvalid): only the budget is wrong.
    const { plan } = await planner.plan("prodbig", { dir });
    expect(violatesMandatory(plan)).toBe(true);
    const v = plan.violations.filter((x: { enforcementLevel: string }) => x.enforcementLevel === "mandatory");
    expect(v.map((x: { policy: string; resource: string }) => `${x.policy} ${x.resource}`)).toEqual([
      "rightsize-enforce-node-budget ScaledObject/celery-worker-scraping",
      "rightsize-enforce-node-budget stack prodbig",
    ]);
    expect(v[0].message).toBe(
      "ScaledObject celery-worker-scraping: maxReplicaCount 8 lets Deployment celery-worker-scraping run 8 pods (+8 during a rollout) of 300m CPU / 1Gi, " +
        "and at that max the stack does not fit its node budget (see the stack's finding); at most maxReplicaCount 3 fits.",
    );
    // Postgres keeps its 4Gi (PgBouncer serves the extra connections), so only CPU is over: the pool's
    // 2700m and PgBouncer's 3 pods at the peak (2 + the surge) x 50m.
    expect(v[1].message).toContain("Over by 2850m CPU at the rollout peak.");
  });

  it("rejects a default queue's pool that would scale to zero under beat, naming the key", async () => {
    const dir = variant("prodzero", [["        queues: [default]\n        replicas: 2\n", "        queues: [default]\n        autoscaling:\n          minReplicas: 0\n          maxReplicas: 2\n"]]);
    const e = await planner.plan("prodzero", { dir }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StackConfigInvalid);
    expect((e as Error).message).toContain('  celery.workers.default.autoscaling.minReplicas: scales the pool that consumes celery.defaultQueue "default" to zero while beat is enabled');
  });
});
