// Memory sizes in Postgres' and Redis' own notation (model/native-units.ts).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { floorTo, formatPgMemory, formatRedisMemory, parsePgMemory, parseRedisMemory, PG_BLOCK, readPgMemory } from "../../model/native-units";
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

describe("Postgres memory, the edges", () => {
  it("has 8kB blocks as the bare unit", () => {
    expect(PG_BLOCK).toBe(8192);
    expect(readPgMemory("1.5")).toEqual({ ok: true, bytes: 12288 });
    expect(readPgMemory(" 4 MB ")).toEqual({ ok: true, bytes: 4 * MiB });
  });

  it("names what it cannot read", () => {
    expect(readPgMemory(true)).toEqual({ ok: false, error: "true is not a Postgres memory value" });
    expect(readPgMemory(-1)).toEqual({ ok: false, error: "-1 is not a Postgres memory value" });
    expect(readPgMemory("-1MB")).toEqual({ ok: false, error: '"-1MB" is not a Postgres memory value' });
    expect(readPgMemory("99999999999TB")).toEqual({ ok: false, error: '"99999999999TB" is too large' });
    expect(parsePgMemory("384 MB")).toBe(384 * MiB);
    expect(parsePgMemory("")).toBeUndefined();
  });

  it("rounds down to the base unit before choosing a unit, and writes 0 for less than one", () => {
    expect(formatPgMemory(bytes(0))).toBe("0");
    expect(formatPgMemory(bytes(1023))).toBe("0");
    expect(formatPgMemory(bytes(1536))).toBe("1kB");
    expect(formatPgMemory(bytes(1536), bytes(1))).toBe("1536B");
    expect(formatPgMemory(bytes(2 * 1024 ** 4))).toBe("2TB");
    expect(floorTo(12079595, 8192)).toBe(12075008);
    expect(floorTo(8191, 8192)).toBe(0);
  });

  it("reads back what it writes, to the kB", () => {
    fc.assert(
      fc.property(fc.integer({ min: KiB, max: 2 ** 50 }), (b) => {
        expect(parsePgMemory(formatPgMemory(bytes(b)))).toBe(Math.floor(b / KiB) * KiB);
      }),
    );
  });
});

describe("Redis memory units", () => {
  it("reads redis.conf's units: k/m/g are powers of 1000, kb/mb/gb of 1024, any case", () => {
    const cases: [string | number, number][] = [
      ["300mb", 300 * MiB],
      ["300MB", 300 * MiB],
      ["300m", 300_000_000],
      ["1k", 1000],
      ["1kb", 1024],
      ["1g", 1e9],
      ["1Gb", GiB],
      ["100", 100],
      ["100b", 100],
      [100, 100],
      [" 300mb ", 300 * MiB],
    ];
    for (const [v, b] of cases) expect(parseRedisMemory(v)).toBe(b);
  });

  it("refuses what redis.conf would not read, and what is not an exact integer", () => {
    for (const v of ["300 mb", "1.5gb", "1tb", "300mib", "", "-1", "mb", "99999999999999gb"]) expect(parseRedisMemory(v)).toBeUndefined();
  });

  it("writes whole mebibytes as mb and anything else as bytes", () => {
    expect(formatRedisMemory(bytes(300 * MiB))).toBe("300mb");
    expect(formatRedisMemory(bytes(MiB + 1))).toBe("1048577");
    expect(formatRedisMemory(bytes(1000))).toBe("1000");
    expect(formatRedisMemory(bytes(0))).toBe("0");
  });

  it("reads back what it writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (b) => {
        expect(parseRedisMemory(formatRedisMemory(bytes(b)))).toBe(b);
      }),
    );
  });
});
