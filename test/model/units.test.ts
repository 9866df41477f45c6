// The branded constructors are the only way in, so their range check is what keeps a float or an
// unsafe integer out of every derivation.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bytes, cores, GiB, gibibytes, KiB, mebibytes, MiB, millicores, seconds } from "../../model/units";

describe("units", () => {
  it("spells the binary multiples out", () => {
    expect([KiB, MiB, GiB]).toEqual([1024, 1048576, 1073741824]);
  });

  it("converts whole and fractional sizes to exact bytes", () => {
    expect(mebibytes(512)).toBe(536870912);
    expect(mebibytes(1.5)).toBe(1572864);
    expect(gibibytes(2)).toBe(2147483648);
    expect(gibibytes(0.5)).toBe(536870912);
    expect(mebibytes(0)).toBe(0);
  });

  it("rounds cores to the nearest millicore", () => {
    expect(cores(1)).toBe(1000);
    expect(cores(1.5)).toBe(1500);
    expect(cores(0.1)).toBe(100);
    expect(cores(0.1234)).toBe(123);
    expect(cores(0.0015)).toBe(2);
    expect(cores(0.0004)).toBe(0);
  });

  it("keeps safe integers as they are", () => {
    expect(millicores(0)).toBe(0);
    expect(bytes(Number.MAX_SAFE_INTEGER)).toBe(9007199254740991);
    expect(bytes(Number.MIN_SAFE_INTEGER)).toBe(-9007199254740991);
    expect(seconds(3600)).toBe(3600);
  });

  it("rejects fractions, NaN, infinities and unsafe integers, naming the unit", () => {
    expect(() => millicores(1.5)).toThrow(new RangeError("millicores must be a safe integer, got 1.5"));
    expect(() => bytes(Number.NaN)).toThrow(new RangeError("bytes must be a safe integer, got NaN"));
    expect(() => seconds(Number.POSITIVE_INFINITY)).toThrow(new RangeError("seconds must be a safe integer, got Infinity"));
    // Just above the largest safe integer.
    expect(() => bytes(Number.MAX_SAFE_INTEGER + 1)).toThrow(new RangeError("bytes must be a safe integer, got 9007199254740992"));
    // A size that is not a whole number of bytes.
    expect(() => mebibytes(0.1)).toThrow(new RangeError("bytes must be a safe integer, got 104857.6"));
    expect(() => gibibytes(2 ** 23)).toThrow(new RangeError("bytes must be a safe integer, got 9007199254740992"));
  });

  it("accepts exactly the safe integers", () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        const ok = Number.isSafeInteger(n);
        expect(ok ? millicores(n) === n : (() => { try { millicores(n); return false; } catch { return true; } })()).toBe(true);
      }),
    );
  });

  it("gives n x 2^20 bytes for every whole number of mebibytes that fits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 33 - 1 }), (n) => {
        expect(mebibytes(n)).toBe(n * 1048576);
        expect(mebibytes(n) % MiB).toBe(0);
      }),
    );
  });
});
