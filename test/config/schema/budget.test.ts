import { describe, expect, it } from "vitest";
import { budgetSchema } from "../../../config/schema/budget";
import { boundsAt, problemsAt } from "../../helpers/schema";

const Gi = 1024 ** 3;
const node = { nodes: 3, cpu: "8", memory: "16Gi", reserved: { cpu: "500m", memory: "1536Mi" } };

describe("nodeBudget schema", () => {
  it("reads quantities and takes the kubelet's 110 pods per node by default", () => {
    expect(budgetSchema.parse(node)).toEqual({ nodes: 3, cpu: 8000, memory: 16 * Gi, reserved: { cpu: 500, memory: 1.5 * Gi }, maxPods: 110 });
    expect(budgetSchema.parse({ ...node, maxPods: 250 }).maxPods).toBe(250);
  });

  it("takes 1 to 1000 whole nodes and pods per node", () => {
    expect(boundsAt("nodeBudget.nodes", 1, 1000)).toEqual([[], [], ["nodeBudget.nodes: must be at least 1 (got 0)"], ["nodeBudget.nodes: must be at most 1000 (got 1001)"]]);
    expect(problemsAt("nodeBudget.nodes", 1.5)).toEqual(["nodeBudget.nodes: must be a whole number (got 1.5)"]);
    expect(boundsAt("nodeBudget.maxPods", 1, 1000)).toEqual([[], [], ["nodeBudget.maxPods: must be at least 1 (got 0)"], ["nodeBudget.maxPods: must be at most 1000 (got 1001)"]]);
  });

  it("wants the reserve below the node: one unit below passes, equal fails", () => {
    // The baseline node is 8 CPU, 16Gi.
    expect(problemsAt("nodeBudget.reserved", { cpu: "7999m", memory: "16383Mi" })).toEqual([]);
    expect(problemsAt("nodeBudget.reserved.cpu", "8")).toEqual(["nodeBudget.reserved.cpu: reserve must be smaller than the node's cpu 8 (got \"8\")"]);
    expect(problemsAt("nodeBudget.reserved.memory", "16Gi")).toEqual(["nodeBudget.reserved.memory: reserve must be smaller than the node's memory 16Gi (got \"16Gi\")"]);
  });

  it("wants a node of some size, and says so once per key", () => {
    expect(problemsAt("nodeBudget", { nodes: 0, cpu: "0", memory: "0", reserved: { cpu: "0", memory: "0" }, maxPods: 0 })).toEqual([
      "nodeBudget.nodes: must be at least 1 (got 0)",
      "nodeBudget.maxPods: must be at least 1 (got 0)",
      'nodeBudget.cpu: node CPU must be positive (got "0")',
      'nodeBudget.memory: node memory must be positive (got "0")',
    ]);
    expect(problemsAt("nodeBudget.cpu", "-1")).toEqual(['nodeBudget.cpu: must not be negative (got "-1")']);
  });

  it("names every missing field and every unknown one", () => {
    expect(problemsAt("nodeBudget", {})).toEqual(["nodeBudget.nodes: is required", "nodeBudget.cpu: is required", "nodeBudget.memory: is required", "nodeBudget.reserved: is required"]);
    expect(problemsAt("nodeBudget.reserved", { cpu: "1" })).toEqual(["nodeBudget.reserved.memory: is required"]);
    expect(problemsAt("nodeBudget.reserved.gpu", 1)).toEqual(["nodeBudget.reserved.gpu: unknown key (did you mean cpu?)"]);
    expect(problemsAt("nodeBudget.maxpods", 10)).toEqual(["nodeBudget.maxpods: unknown key (did you mean maxPods?)"]);
  });
});
