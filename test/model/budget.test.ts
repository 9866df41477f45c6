import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  add,
  amount,
  BUDGET_ANNOTATION,
  BUDGET_QUOTA_NAME,
  budgetAnnotations,
  budgetFromAnnotations,
  type BudgetFields,
  budgetOf,
  budgetProblems,
  budgetQuotaHard,
  chooseBudget,
  DEFAULT_MAX_PODS,
  fits,
  makeBudget,
  scale,
  sub,
  ZERO,
} from "../../model/budget";
import { bytes, gibibytes, mebibytes, millicores } from "../../model/units";

/** Three 8-core 16Gi nodes, each reserving 500m and 1536Mi. */
const fields = (over: Partial<BudgetFields> = {}): BudgetFields => ({
  nodes: 3,
  cpu: millicores(8000),
  memory: gibibytes(16),
  reserved: { cpu: millicores(500), memory: mebibytes(1536) },
  maxPods: DEFAULT_MAX_PODS,
  ...over,
});

describe("amounts", () => {
  it("adds, subtracts and scales both dimensions exactly", () => {
    expect(ZERO).toEqual({ cpuMillis: 0, memoryBytes: 0 });
    expect(add(amount(1500, 1024), amount(250, 512))).toEqual({ cpuMillis: 1750, memoryBytes: 1536 });
    expect(sub(amount(1500, 1024), amount(250, 512))).toEqual({ cpuMillis: 1250, memoryBytes: 512 });
    expect(sub(amount(0, 0), amount(1, 1))).toEqual({ cpuMillis: -1, memoryBytes: -1 });
    expect(scale(amount(250, mebibytes(512)), 3)).toEqual({ cpuMillis: 750, memoryBytes: 1610612736 });
    expect(scale(amount(250, 512), 0)).toEqual(ZERO);
  });

  it("refuses an amount that is not whole millicores and bytes", () => {
    expect(() => amount(0.5, 0)).toThrow("millicores must be a safe integer, got 0.5");
    expect(() => scale(amount(1, 3), 0.5)).toThrow("millicores must be a safe integer, got 0.5");
  });

  it("fits at equality in both dimensions and not one unit above either", () => {
    const room = amount(1000, 1024);
    expect(fits(amount(1000, 1024), room)).toBe(true);
    expect(fits(amount(999, 1023), room)).toBe(true);
    expect(fits(amount(1001, 1024), room)).toBe(false);
    expect(fits(amount(1000, 1025), room)).toBe(false);
  });

  it("undoes an addition with a subtraction", () => {
    const a = fc.record({ c: fc.integer({ min: -1e12, max: 1e12 }), m: fc.integer({ min: -1e14, max: 1e14 }) });
    fc.assert(
      fc.property(a, a, (x, y) => {
        const ax = amount(x.c, x.m);
        const ay = amount(y.c, y.m);
        expect(sub(add(ax, ay), ay)).toEqual(ax);
        expect(fits(ax, add(ax, ay))).toBe(y.c >= 0 && y.m >= 0);
      }),
    );
  });
});

describe("budgetOf", () => {
  it("is nodes x (size - reserved)", () => {
    expect(budgetOf(fields())).toEqual({
      nodes: 3,
      maxPods: 110,
      perNode: { cpuMillis: 8000, memoryBytes: 17179869184 },
      reservedPerNode: { cpuMillis: 500, memoryBytes: 1610612736 },
      allocatablePerNode: { cpuMillis: 7500, memoryBytes: 15569256448 },
      allocatable: { cpuMillis: 22500, memoryBytes: 46707769344 },
    });
  });

  it("is the same budget as makeBudget from amounts", () => {
    expect(makeBudget({ nodes: 3, maxPods: 110, perNode: amount(8000, gibibytes(16)), reservedPerNode: amount(500, mebibytes(1536)) })).toEqual(budgetOf(fields()));
  });
});

describe("budgetProblems", () => {
  it("finds none in a valid budget, at the smallest valid values too", () => {
    expect(budgetProblems(fields())).toEqual([]);
    expect(budgetProblems(fields({ nodes: 1, maxPods: 1, cpu: millicores(1), memory: bytes(1), reserved: { cpu: millicores(0), memory: bytes(0) } }))).toEqual([]);
  });

  it("wants whole positive nodes and maxPods", () => {
    const msg = "must be a positive whole number";
    expect(budgetProblems(fields({ nodes: 0 }))).toEqual([{ field: "nodes", message: msg, value: 0 }]);
    expect(budgetProblems(fields({ nodes: 1.5 }))).toEqual([{ field: "nodes", message: msg, value: 1.5 }]);
    expect(budgetProblems(fields({ nodes: Number.NaN }))).toEqual([{ field: "nodes", message: msg, value: Number.NaN }]);
    expect(budgetProblems(fields({ maxPods: 0 }))).toEqual([{ field: "maxPods", message: msg, value: 0 }]);
    expect(budgetProblems(fields({ maxPods: -3 }))).toEqual([{ field: "maxPods", message: msg, value: -3 }]);
  });

  it("wants a positive node size, and then checks the reserve against nothing", () => {
    expect(budgetProblems(fields({ cpu: millicores(0) }))).toEqual([{ field: "cpu", message: "node CPU must be positive", value: "0" }]);
    expect(budgetProblems(fields({ cpu: millicores(-500) }))).toEqual([{ field: "cpu", message: "node CPU must be positive", value: "-500m" }]);
    expect(budgetProblems(fields({ memory: bytes(0) }))).toEqual([{ field: "memory", message: "node memory must be positive", value: "0" }]);
  });

  it("wants the reserve below the node: one unit below passes, equal fails", () => {
    expect(budgetProblems(fields({ reserved: { cpu: millicores(7999), memory: bytes(17179869183) } }))).toEqual([]);
    expect(budgetProblems(fields({ reserved: { cpu: millicores(8000), memory: gibibytes(16) } }))).toEqual([
      { field: "reserved.cpu", message: "reserve must be smaller than the node's cpu 8", value: "8" },
      { field: "reserved.memory", message: "reserve must be smaller than the node's memory 16Gi", value: "16Gi" },
    ]);
    expect(budgetProblems(fields({ reserved: { cpu: millicores(8600), memory: mebibytes(1536) } }))).toEqual([
      { field: "reserved.cpu", message: "reserve must be smaller than the node's cpu 8", value: "8600m" },
    ]);
  });

  it("reports every problem at once, in field order", () => {
    expect(budgetProblems({ nodes: 0, maxPods: 0, cpu: millicores(0), memory: bytes(0), reserved: { cpu: millicores(1), memory: bytes(1) } }).map((p) => p.field)).toEqual([
      "nodes",
      "maxPods",
      "cpu",
      "memory",
    ]);
  });
});

describe("the ResourceQuota that carries the budget", () => {
  const budget = budgetOf(fields());

  it("is named once and written as quantities", () => {
    expect(BUDGET_QUOTA_NAME).toBe("rightsize-node-budget");
    expect(budgetAnnotations(budget)).toEqual({
      "rightsize.io/budget-nodes": "3",
      "rightsize.io/budget-node-cpu": "8",
      "rightsize.io/budget-node-memory": "16Gi",
      "rightsize.io/budget-reserved-cpu": "500m",
      "rightsize.io/budget-reserved-memory": "1536Mi",
      "rightsize.io/budget-max-pods": "110",
    });
  });

  it("caps requests at the allocatable total and pods at nodes x maxPods", () => {
    expect(budgetQuotaHard(budget)).toEqual({ "requests.cpu": "22500m", "requests.memory": "44544Mi", pods: "330" });
  });

  it("reads back the budget it wrote, for any valid budget", () => {
    const validFields = fc
      .record({
        nodes: fc.integer({ min: 1, max: 1000 }),
        maxPods: fc.integer({ min: 1, max: 1000 }),
        cpu: fc.integer({ min: 1, max: 1_000_000 }),
        memory: fc.integer({ min: 1, max: 2 ** 42 }),
        rc: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        rm: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      })
      .map(
        (f): BudgetFields => ({
          nodes: f.nodes,
          maxPods: f.maxPods,
          cpu: millicores(f.cpu),
          memory: bytes(f.memory),
          reserved: { cpu: millicores(Math.floor(f.rc * f.cpu)), memory: bytes(Math.floor(f.rm * f.memory)) },
        }),
      );
    fc.assert(
      fc.property(validFields, (f) => {
        expect(budgetProblems(f)).toEqual([]);
        expect(budgetFromAnnotations(budgetAnnotations(budgetOf(f)))).toEqual(budgetOf(f));
      }),
    );
  });

  it("says why it cannot read the budget back", () => {
    const good = budgetAnnotations(budget);
    expect(budgetFromAnnotations(undefined)).toBe("the ResourceQuota has no budget annotations");
    const { [BUDGET_ANNOTATION.nodes]: _n, [BUDGET_ANNOTATION.maxPods]: _m, ...lacking } = good;
    expect(budgetFromAnnotations(lacking)).toBe("the ResourceQuota lacks rightsize.io/budget-nodes, rightsize.io/budget-max-pods");
    expect(budgetFromAnnotations({ ...good, [BUDGET_ANNOTATION.nodes]: 3 })).toBe("the ResourceQuota lacks rightsize.io/budget-nodes");
    expect(budgetFromAnnotations({ ...good, [BUDGET_ANNOTATION.nodeCpu]: "8 cores" })).toBe(
      'the budget annotations do not parse: "8 cores" is not a Kubernetes quantity: spaces are not allowed (write e.g. 512Mi, not 512 Mi)',
    );
  });

  it("names the annotation and its text when a value is out of range", () => {
    expect(budgetFromAnnotations({ ...good(), [BUDGET_ANNOTATION.nodes]: "0" })).toBe('rightsize.io/budget-nodes must be a positive whole number (got "0")');
    expect(budgetFromAnnotations({ ...good(), [BUDGET_ANNOTATION.reservedCpu]: "8000m" })).toBe(
      'rightsize.io/budget-reserved-cpu reserve must be smaller than the node\'s cpu 8 (got "8000m")',
    );
    expect(budgetFromAnnotations({ ...good(), [BUDGET_ANNOTATION.nodeMemory]: "0", [BUDGET_ANNOTATION.maxPods]: "1.5" })).toBe(
      'rightsize.io/budget-max-pods must be a positive whole number (got "1.5"); rightsize.io/budget-node-memory node memory must be positive (got "0")',
    );
  });

  // Number("three") is NaN, which JSON shows as null: the message must show what the annotation says.
  it("shows a count that is not a number as written", () => {
    expect(budgetFromAnnotations({ ...good(), [BUDGET_ANNOTATION.nodes]: "three" })).toBe('rightsize.io/budget-nodes must be a positive whole number (got "three")');
    expect(budgetFromAnnotations({ ...good(), [BUDGET_ANNOTATION.maxPods]: "" })).toBe('rightsize.io/budget-max-pods must be a positive whole number (got "")');
  });

  function good(): Record<string, string> {
    return budgetAnnotations(budget);
  }
});

describe("chooseBudget", () => {
  const pin = budgetOf(fields({ nodes: 2 }));
  const quota = budgetOf(fields({ nodes: 5 }));

  it("takes the policy config's pin over the quota", () => {
    expect(chooseBudget(pin, quota)).toEqual({ budget: pin, from: "policy config" });
    expect(chooseBudget(pin, "the ResourceQuota lacks rightsize.io/budget-nodes")).toEqual({ budget: pin, from: "policy config" });
  });

  it("takes the quota when nothing is pinned", () => {
    expect(chooseBudget(undefined, quota)).toEqual({ budget: quota, from: "ResourceQuota rightsize-node-budget" });
  });

  it("reports an unreadable pin even when the quota is fine, so a pin cannot be bypassed", () => {
    expect(chooseBudget("bad pin", quota)).toEqual({ error: "bad pin" });
    expect(chooseBudget(undefined, "bad quota")).toEqual({ error: "bad quota" });
  });

  it("has no budget when there is neither", () => {
    expect(chooseBudget(undefined, undefined)).toBeUndefined();
  });
});
