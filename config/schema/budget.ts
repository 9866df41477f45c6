import { z } from "zod";
import { formatCpu, formatMemory } from "../../model/quantity";
import { cpu, memory } from "./common";

/**
 * `nodeBudget`: what the cluster can give this stack. `reserved` is per node: kube-reserved +
 * system-reserved + the hard eviction threshold, i.e. capacity minus allocatable.
 */
export const budgetSchema = z
  .strictObject({
    nodes: z.number().int().min(1).max(1000),
    cpu: cpu(),
    memory: memory(),
    reserved: z.strictObject({ cpu: cpu(), memory: memory() }),
    maxPods: z.number().int().min(1).max(1000).default(110),
  })
  .superRefine((b, ctx) => {
    if (b.cpu <= 0) ctx.addIssue({ code: "custom", path: ["cpu"], message: "node CPU must be positive", input: formatCpu(b.cpu) });
    if (b.memory <= 0) ctx.addIssue({ code: "custom", path: ["memory"], message: "node memory must be positive", input: formatMemory(b.memory) });
    if (b.cpu > 0 && b.reserved.cpu >= b.cpu) {
      ctx.addIssue({
        code: "custom",
        path: ["reserved", "cpu"],
        message: `reserve must be smaller than the node's cpu ${formatCpu(b.cpu)}`,
        input: formatCpu(b.reserved.cpu),
      });
    }
    if (b.memory > 0 && b.reserved.memory >= b.memory) {
      ctx.addIssue({
        code: "custom",
        path: ["reserved", "memory"],
        message: `reserve must be smaller than the node's memory ${formatMemory(b.memory)}`,
        input: formatMemory(b.reserved.memory),
      });
    }
  });
export type BudgetConfig = z.output<typeof budgetSchema>;
