// observedPerUnit: recommend's calibration, each unit's share of what the peak left after the fixed part.
// The UsageModel each component declares is tested against its derivation in test/components/usage.test.ts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { observedPerUnit, type UsageAccount } from "../../model/usage";
import { bytes, MiB } from "../../model/units";

const account = (units: number, fixedMi: number): UsageAccount => ({ units, fixed: bytes(fixedMi * MiB), perUnit: bytes(200 * MiB) });

describe("observedPerUnit", () => {
  it("shares what the peak left after the fixed part among the units in force", () => {
    // gunicorn: 64Mi master + 2 workers, peak 464Mi -> 200Mi each.
    expect(observedPerUnit(account(2, 64), bytes(464 * MiB))).toBe(200 * MiB);
    expect(observedPerUnit(account(3, 100), bytes(400 * MiB))).toBe(104857600);
  });

  it("rounds a share of part of a byte up: a unit never needs less than it used", () => {
    expect(observedPerUnit(account(3, 0), bytes(10))).toBe(4);
    expect(observedPerUnit(account(3, 0), bytes(9))).toBe(3);
  });

  it("is 0 with no units, and 0 rather than negative when the peak is below the fixed part", () => {
    expect(observedPerUnit(account(0, 64), bytes(500 * MiB))).toBe(0);
    expect(observedPerUnit(account(2, 64), bytes(32 * MiB))).toBe(0);
    expect(observedPerUnit(account(2, 64), bytes(64 * MiB))).toBe(0);
  });

  it("gives the smallest per-unit cost under which the units and the fixed part cover the peak", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 2 ** 36 }), (units, fixed, peak) => {
        const a: UsageAccount = { units, fixed: bytes(fixed), perUnit: bytes(0) };
        const per = observedPerUnit(a, bytes(peak));
        expect(fixed + units * per).toBeGreaterThanOrEqual(peak);
        if (per > 0) expect(fixed + units * (per - 1)).toBeLessThan(peak);
      }),
    );
  });
});
