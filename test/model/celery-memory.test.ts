// Exact KiB out of the rule: concurrency x per-child cap + parent <= floor(90% of the limit).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { celeryMemoryFit, childrenThatFit, DEFAULT_PARENT_MEMORY, kib, MEMORY_SHARE_PERCENT, memoryBudgetKiB } from "../../model/celery-memory";
import { bytes, gibibytes, mebibytes } from "../../model/units";

describe("the planned share of the limit", () => {
  it("is 90%, with a 100Mi parent when the config does not say", () => {
    expect(MEMORY_SHARE_PERCENT).toBe(90);
    expect(DEFAULT_PARENT_MEMORY).toBe(104857600);
  });

  it("is floor(90% of the limit) in KiB", () => {
    expect(memoryBudgetKiB(gibibytes(2))).toBe(1887436); // 2097152 KiB x 0.9 = 1887436.8
    expect(memoryBudgetKiB(gibibytes(1))).toBe(943718); // 943718.4
    expect(memoryBudgetKiB(mebibytes(1))).toBe(921); // 921.6
    expect(memoryBudgetKiB(bytes(0))).toBe(0);
  });

  it("rounds down at a whole KiB: 1000 KiB gives 900, one byte less gives 899", () => {
    expect(memoryBudgetKiB(bytes(1024000))).toBe(900);
    expect(memoryBudgetKiB(bytes(1023999))).toBe(899);
    expect(memoryBudgetKiB(bytes(1024001))).toBe(900);
  });
});

describe("kib", () => {
  it("rounds bytes up to whole KiB", () => {
    expect([kib(0), kib(1), kib(1023), kib(1024), kib(1025), kib(DEFAULT_PARENT_MEMORY)]).toEqual([0, 1, 1, 1, 2, 102400]);
  });
});

describe("celeryMemoryFit", () => {
  // The known flaw: 6 x worker_max_memory_per_child 400000 KiB in a 2Gi limit.
  it("rejects 6 x 400000 KiB beside a 100Mi parent in 2Gi, and names the cap that fits", () => {
    expect(celeryMemoryFit(gibibytes(2), 6, 400000, mebibytes(100))).toEqual({
      budgetKiB: 1887436,
      parentKiB: 102400,
      needKiB: 2502400,
      fits: false,
      maxPerChildKiB: 297506, // (1887436 - 102400) / 6, exactly
    });
  });

  it("fits at exactly the budget and not one KiB above it", () => {
    expect(celeryMemoryFit(gibibytes(2), 6, 297506, mebibytes(100))).toMatchObject({ needKiB: 1887436, fits: true });
    expect(celeryMemoryFit(gibibytes(2), 6, 297507, mebibytes(100))).toMatchObject({ needKiB: 1887442, fits: false });
    // 1Gi, 4 children: floor((943718 - 102400) / 4) = 210329, with 2 KiB to spare.
    expect(celeryMemoryFit(gibibytes(1), 4, 210329, mebibytes(100))).toMatchObject({ needKiB: 943716, fits: true, maxPerChildKiB: 210329 });
    expect(celeryMemoryFit(gibibytes(1), 4, 210330, mebibytes(100))).toMatchObject({ needKiB: 943720, fits: false });
  });

  it("rounds a parent of part of a KiB up", () => {
    expect(celeryMemoryFit(gibibytes(1), 1, 0, bytes(1025))).toMatchObject({ parentKiB: 2, needKiB: 2, maxPerChildKiB: 943716 });
  });

  it("has no cap for no children, and none when the parent alone is over the budget", () => {
    expect(celeryMemoryFit(gibibytes(1), 0, 0, mebibytes(100))).toEqual({ budgetKiB: 943718, parentKiB: 102400, needKiB: 102400, fits: true, maxPerChildKiB: 0 });
    expect(celeryMemoryFit(mebibytes(100), 1, 0, mebibytes(100))).toEqual({ budgetKiB: 92160, parentKiB: 102400, needKiB: 102400, fits: false, maxPerChildKiB: 0 });
  });

  it("gives the largest cap that fits, for any limit, concurrency and parent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 * 1024 ** 3 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 0, max: 4 * 1024 ** 3 }),
        (limit, concurrency, parent) => {
          const cap = celeryMemoryFit(bytes(limit), concurrency, 0, bytes(parent)).maxPerChildKiB;
          if (cap === 0) return;
          expect(celeryMemoryFit(bytes(limit), concurrency, cap, bytes(parent)).fits).toBe(true);
          expect(celeryMemoryFit(bytes(limit), concurrency, cap + 1, bytes(parent)).fits).toBe(false);
          expect(childrenThatFit(bytes(limit), cap, bytes(parent))).toBeGreaterThanOrEqual(concurrency);
        },
      ),
    );
  });
});

describe("childrenThatFit", () => {
  it("counts the children of a size that fit beside the parent", () => {
    expect(childrenThatFit(gibibytes(2), 400000, mebibytes(100))).toBe(4); // 1785036 / 400000
    expect(childrenThatFit(gibibytes(2), 297506, mebibytes(100))).toBe(6);
    expect(childrenThatFit(gibibytes(2), 297507, mebibytes(100))).toBe(5);
    expect(childrenThatFit(gibibytes(1), kib(mebibytes(200)), mebibytes(100))).toBe(4); // 841318 / 204800
  });

  it("is 0, not negative, when the parent alone is over the budget", () => {
    expect(childrenThatFit(mebibytes(100), 1024, mebibytes(100))).toBe(0);
  });

  it("agrees with celeryMemoryFit at the count it gives and one above", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 1024 ** 3 }), fc.integer({ min: 1, max: 4 * 1024 ** 2 }), fc.integer({ min: 0, max: 1024 ** 3 }), (limit, child, parent) => {
        const n = childrenThatFit(bytes(limit), child, bytes(parent));
        if (n > 0) expect(celeryMemoryFit(bytes(limit), n, child, bytes(parent)).fits).toBe(true);
        expect(celeryMemoryFit(bytes(limit), n + 1, child, bytes(parent)).fits).toBe(false);
      }),
    );
  });
});
