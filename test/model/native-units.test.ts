// Memory sizes in Postgres' and Redis' own notation (model/native-units.ts).
import { describe, expect, it } from "vitest";
import { formatPgMemory, parsePgMemory, readPgMemory } from "../../model/native-units";
import { bytes, GiB, KiB, MiB } from "../../model/units";

describe("Postgres memory units", () => {
  it("parses 1024-based units and insists on one", () => {
    expect(parsePgMemory("384MB")).toBe(384 * MiB);
    expect(parsePgMemory("4GB")).toBe(4 * GiB);
    expect(parsePgMemory("64kB")).toBe(64 * KiB);
    expect(parsePgMemory("384")).toBeUndefined();
    expect(parsePgMemory("384Mi")).toBeUndefined();
    expect(parsePgMemory("1.5GB")).toBeUndefined();
  });

  it("writes the largest unit that divides exactly, after rounding to the base unit", () => {
    expect(formatPgMemory(bytes(384 * MiB))).toBe("384MB");
    expect(formatPgMemory(bytes(1152 * MiB))).toBe("1152MB");
    expect(formatPgMemory(bytes(3 * GiB))).toBe("3GB");
    expect(formatPgMemory(bytes(12079595), bytes(8 * KiB))).toBe("11792kB");
  });
});

describe("Postgres memory values", () => {
  it("parse as Postgres does: 1024-based units, case-sensitive, bare numbers in 8kB blocks", () => {
    expect(readPgMemory("384MB")).toEqual({ ok: true, bytes: 384 * 1024 ** 2 });
    expect(readPgMemory("1GB")).toEqual({ ok: true, bytes: 1024 ** 3 });
    expect(readPgMemory("64kB")).toEqual({ ok: true, bytes: 64 * 1024 });
    expect(readPgMemory("1.5GB")).toEqual({ ok: true, bytes: 1.5 * 1024 ** 3 });
    expect(readPgMemory("16384")).toEqual({ ok: true, bytes: 16384 * 8192 });
    expect(readPgMemory(16384)).toEqual({ ok: true, bytes: 16384 * 8192 });
    expect(readPgMemory("4MB", 1024)).toEqual({ ok: true, bytes: 4 * 1024 ** 2 });
    expect(readPgMemory("384mb")).toEqual({ ok: false, error: '"384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)' });
    expect(readPgMemory("lots")).toEqual({ ok: false, error: '"lots" is not a Postgres memory value' });
  });
});
