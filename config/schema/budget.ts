import { z } from "zod";
import { budgetProblems, DEFAULT_MAX_PODS } from "../../model/budget";
import { cpu, memory } from "./common";

/**
 * `nodeBudget`: what the cluster can give this stack. `reserved` is per node: kube-reserved +
 * system-reserved + the hard eviction threshold, i.e. capacity minus allocatable.
 */
export const budgetSchema = z
  .strictObject({
    nodes: z.number().int().min(1).max(1000),
    // budgetProblems (below) names a zero node; a zero reserve is a real setting.
    cpu: cpu({ zero: "allowed" }),
    memory: memory({ zero: "allowed" }),
    reserved: z.strictObject({ cpu: cpu({ zero: "allowed" }), memory: memory({ zero: "allowed" }) }),
    maxPods: z.number().int().min(1).max(1000).default(DEFAULT_MAX_PODS),
  })
  .superRefine((b, ctx) => {
    // The whole-number rules for nodes and maxPods are zod's above (with their maximum); the rest are the
    // one budget validator's, which the policy config and the quota's annotations use too.
    for (const p of budgetProblems(b)) {
      if (p.field !== "nodes" && p.field !== "maxPods") ctx.addIssue({ code: "custom", path: p.field.split("."), message: p.message, input: p.value });
    }
  });
export type BudgetConfig = z.output<typeof budgetSchema>;
