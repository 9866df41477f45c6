// Cases come from k8s.io/apimachinery pkg/api/resource/quantity_test.go: TestQuantityParse (valid
// table, the "invalid" list, and its "-"/"+" re-parse of every valid case), TestQuantityParseZero,
// TestQuantityCmp, TestQuantityRoundUp, TestScaledValue, TestQuantityString, TestMilliNewSet and
// TestNewSet. Expected values are written out by hand, not computed with the code under test.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  QuantityError,
  compareExact,
  cpuQuantity,
  formatCpu,
  formatMemory,
  memoryQuantity,
  parseQuantity,
  showCpu,
  showMemory,
  toBytes,
  toMillicores,
  tryParseQuantity,
  type Exact,
} from "../../model/quantity";
import { bytes, millicores } from "../../model/units";

const BIG = "too large" as const;
type Int = number | typeof BIG;
// [input, exact value as a decimal string, MilliValue(), Value()]
const valid: [string, string, Int, Int][] = [
  ...["0", "0n", "0u", "0m", "0Ki", "0k", "0Mi", "0M", "0Gi", "0G", "0Ti", "0T"].map(
    (s) => [s, "0", 0, 0] as [string, string, Int, Int],
  ),
  ["1", "1", 1000, 1],
  ["1Ki", "1024", 1024000, 1024],
  ["8Ki", "8192", 8192000, 8192],
  ["7Mi", "7340032", 7340032000, 7340032],
  ["6Gi", "6442450944", 6442450944000, 6442450944],
  ["5Ti", "5497558138880", 5497558138880000, 5497558138880],
  ["4Pi", "4503599627370496", BIG, 4503599627370496],
  ["3Ei", "3458764513820540928", BIG, BIG],
  ["10Ti", "10995116277760", BIG, 10995116277760],
  ["100Ti", "109951162777600", BIG, 109951162777600],
  ["5n", "0.000000005", 1, 1],
  ["4u", "0.000004", 1, 1],
  ["3m", "0.003", 3, 1],
  ["9", "9", 9000, 9],
  ["8k", "8000", 8000000, 8000],
  ["50k", "50000", 50000000, 50000],
  ["7M", "7000000", 7000000000, 7000000],
  ["6G", "6000000000", 6000000000000, 6000000000],
  ["5T", "5000000000000", 5000000000000000, 5000000000000],
  ["40T", "40000000000000", BIG, 40000000000000],
  ["300T", "300000000000000", BIG, 300000000000000],
  ["2P", "2000000000000000", BIG, 2000000000000000],
  ["1E", "1000000000000000000", BIG, BIG],
  ["1E-3", "0.001", 1, 1],
  ["1e3", "1000", 1000000, 1000],
  ["1E6", "1000000", 1000000000, 1000000],
  ["1e9", "1000000000", 1000000000000, 1000000000],
  ["1E12", "1000000000000", 1000000000000000, 1000000000000],
  ["1e15", "1000000000000000", BIG, 1000000000000000],
  ["1E18", "1000000000000000000", BIG, BIG],
  ["1e14", "100000000000000", BIG, 100000000000000],
  ["1e13", "10000000000000", BIG, 10000000000000],
  ["100.035k", "100035", 100035000, 100035],
  ["0.001", "0.001", 1, 1],
  ["0.0005k", "0.5", 500, 1],
  ["0.005", "0.005", 5, 1],
  ["0.05", "0.05", 50, 1],
  ["0.5", "0.5", 500, 1],
  ["0.00050k", "0.5", 500, 1],
  ["0.00500", "0.005", 5, 1],
  ["0.05000", "0.05", 50, 1],
  ["0.50000", "0.5", 500, 1],
  ["0.5e0", "0.5", 500, 1],
  ["0.5e-1", "0.05", 50, 1],
  ["0.5e-2", "0.005", 5, 1],
  ["10.035M", "10035000", 10035000000, 10035000],
  ["1.2e3", "1200", 1200000, 1200],
  ["1.3E+6", "1300000", 1300000000, 1300000],
  ["1.40e9", "1400000000", 1400000000000, 1400000000],
  ["1.53E12", "1530000000000", 1530000000000000, 1530000000000],
  ["1.6e15", "1600000000000000", BIG, 1600000000000000],
  ["1.7E18", "1700000000000000000", BIG, BIG],
  ["9.01", "9.01", 9010, 10],
  ["8.1k", "8100", 8100000, 8100],
  ["7.123456M", "7123456", 7123456000, 7123456],
  ["6.987654321G", "6987654321", 6987654321000, 6987654321],
  ["5.444T", "5444000000000", 5444000000000000, 5444000000000],
  ["40.1T", "40100000000000", BIG, 40100000000000],
  ["300.2T", "300200000000000", BIG, 300200000000000],
  ["2.5P", "2500000000000000", BIG, 2500000000000000],
  ["1.01E", "1010000000000000000", BIG, BIG],
  // apimachinery keeps nothing below a nano and rounds finer values away from zero.
  ["3.001n", "0.000000004", 1, 1],
  ["1.1E-9", "0.000000002", 1, 1],
  ["0.0000000001", "0.000000001", 1, 1],
  ["0.0000000005", "0.000000001", 1, 1],
  ["0.00000000050", "0.000000001", 1, 1],
  ["0.5e-9", "0.000000001", 1, 1],
  ["0.9n", "0.000000001", 1, 1],
  ["0.00000012345", "0.000000124", 1, 1],
  ["0.00000012354", "0.000000124", 1, 1],
  // binarySI is capped at MaxInt64, decimal is not.
  ["9Ei", "9223372036854775807", BIG, BIG],
  ["9223372036854775807Ki", "9223372036854775807", BIG, BIG],
  ["12E", "12000000000000000000", BIG, BIG],
  ["100.035Ki", "102435.84", 102435840, 102436],
  ["0.5Mi", "524288", 524288000, 524288],
  ["0.05Gi", "53687091.2", 53687091200, 53687092],
  ["0.025Ti", "27487790694.4", 27487790694400, 27487790695],
  ["0.000000000001Ki", "0.000000002", 1, 1],
  [".001", "0.001", 1, 1],
  [".0001k", "0.1", 100, 1],
  ["1.", "1", 1000, 1],
  ["1.G", "1000000000", 1000000000000, 1000000000],
  // Not from apimachinery: the safe-integer edges of toBytes / toMillicores.
  ["9007199254740991", "9007199254740991", BIG, 9007199254740991],
  ["9007199254740992", "9007199254740992", BIG, BIG],
  ["9007199254740.991", "9007199254740.991", 9007199254740991, 9007199254741],
  ["9007199254740.992", "9007199254740.992", BIG, 9007199254741],
  ["1e30", "1" + "0".repeat(30), BIG, BIG],
  ["1e-30", "0.000000001", 1, 1],
];

/** Independent of the module: "12.5" -> 125/10. */
function decimal(v: string): Exact {
  const neg = v.startsWith("-");
  const [i, f = ""] = (neg ? v.slice(1) : v).split(".");
  const num = BigInt(i! + f);
  return { num: neg ? -num : num, den: 10n ** BigInt(f.length) };
}

function expectValue(got: Exact, want: string, input: string): void {
  const w = decimal(want);
  expect(got.den > 0n && /^10*$/.test(got.den.toString()), `${input}: den ${got.den}`).toBe(true);
  expect(got.num * w.den, `${input}: ${got.num}/${got.den} != ${want}`).toBe(w.num * got.den);
}

function expectInt(f: () => number, want: Int, input: string): void {
  if (want === BIG) {
    expect(f).toThrow(QuantityError);
    expect(f).toThrow(/too large/);
    expect(f).toThrow(JSON.stringify(input));
  } else {
    expect(f(), input).toBe(want);
  }
}

describe("parseQuantity / toMillicores / toBytes on apimachinery's TestQuantityParse table", () => {
  it.each(valid)("%s", (input, value, milli, byteCount) => {
    expectValue(parseQuantity(input), value, input);
    expectInt(() => toMillicores(input), milli, input);
    expectInt(() => toBytes(input), byteCount, input);
  });

  // TestQuantityParse re-parses every case with a leading "-" and "+".
  it.each(valid)("-%s and +%s", (input, value, milli, byteCount) => {
    expectValue(parseQuantity("+" + input), value, "+" + input);
    const neg = value === "0" ? "0" : "-" + value;
    expectValue(parseQuantity("-" + input), neg, "-" + input);
    // Rounding is away from zero, so the negative result mirrors the positive one.
    const negInt = (n: Int): Int => (n === BIG || n === 0 ? n : -n);
    expectInt(() => toMillicores("-" + input), negInt(milli), "-" + input);
    expectInt(() => toBytes("-" + input), negInt(byteCount), "-" + input);
  });

  it("TestQuantityParseZero: 0 is exactly zero", () => {
    expect(parseQuantity("0")).toEqual({ num: 0n, den: 1n });
    expect(tryParseQuantity("0")).toEqual({ ok: true, value: { num: 0n, den: 1n } });
  });
});

describe("rounding like MilliValue() and Value()", () => {
  it.each<[string, number, number]>([
    ["0.1m", 1, 1],
    ["1.5", 1500, 2],
    ["-1.5", -1500, -2],
    ["1.1", 1100, 2],
    ["999m", 999, 1],
    ["1001m", 1001, 2],
    ["1.0001m", 2, 1],
    ["-0.1m", -1, -1],
    ["9.01", 9010, 10], // TestQuantityRoundUp to scale 0
    ["-9.01", -9010, -10],
    ["1n", 1, 1], // TestScaledValue: Nano -> Milli and Nano -> 0 are both 1
    ["1u", 1, 1],
    ["1m", 1, 1],
  ])("%s -> %i millicores, %i bytes", (input, milli, byteCount) => {
    expect(toMillicores(input)).toBe(milli);
    expect(toBytes(input)).toBe(byteCount);
  });
});

describe("invalid quantities", () => {
  const invalid = [
    // TestQuantityParse's invalid list, and its empty-string check
    "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "",
    // this project's additions
    "1K", "1.5GB", "1 Gi", "1Gi ", "Gi", "0x10", "1.2.3", "1e1.5", "1e", "1E+", "1Gi\n", "1\u00a0Gi",
    "1KB", "1gi", "1constructor", "1__proto__", "1e3Ki",
    // apimachinery reads a missing number as 0; the documented grammar (and we) do not.
    ".", "-", "+", "-.", "m", "Mi",
    // exponents we refuse to carry
    "1e31", "1e-31", "1E+100", "1e99999999999999999999",
  ];
  it.each(invalid)("%j", (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    expect(() => parseQuantity(input)).toThrow(JSON.stringify(input));
    expect(() => toBytes(input)).toThrow(QuantityError);
    expect(() => toMillicores(input)).toThrow(QuantityError);
    const r = tryParseQuantity(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(JSON.stringify(input));
  });

  it.each<[string, RegExp]>([
    ["1.5GB", /unknown suffix "GB" \(use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E\)/],
    ["1K", /"k".*"Ki"/],
    ["1 Gi", /spaces are not allowed/],
    ["1gi", /did you mean "Gi"/],
    ["1.2.3", /one decimal point/],
    ["1e1.5", /whole number/],
    ["1e", /no digits/],
    ["Gi", /must start with a number/],
    ["1e31", /out of range/],
  ])("%j explains itself", (input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
  });

  it("lets non-QuantityError exceptions through tryParseQuantity", () => {
    expect(() => tryParseQuantity(null as unknown as string)).toThrow(TypeError);
  });
});

describe("compareExact", () => {
  it.each<[string, string, -1 | 0 | 1]>([
    ["0", "0", 0], // TestQuantityCmp
    ["100m", "50m", 1],
    ["50m", "100m", -1],
    ["10000T", "100Gi", 1],
    ["1.5", "1500m", 0],
    ["1Ki", "1k", 1],
    ["-1", "1", -1],
    ["-2", "-1", -1],
    ["0.1n", "0.2n", 0], // both round to 1n
    ["9Ei", "8Ei", 0], // both capped at MaxInt64
    ["9E", "8E", 1], // decimal is not capped
  ])("%s vs %s = %i", (a, b, want) => {
    expect(compareExact(parseQuantity(a), parseQuantity(b))).toBe(want);
    expect(compareExact(parseQuantity(b), parseQuantity(a))).toBe(-want === 0 ? 0 : -want);
  });
});

describe("formatting", () => {
  it.each<[number, string]>([
    [2000, "2"],
    [500, "500m"],
    [1500, "1500m"],
    [0, "0"],
    [1, "1m"],
    [80, "80m"], // TestQuantityString
    [1080, "1080m"],
    [1000, "1"], // TestMilliNewSet
    [1234000, "1234"],
    [1000000, "1k"], // what apimachinery's String() prints for 1000 cores
    [-500, "-500m"],
    [-2000, "-2"],
  ])("formatCpu(%i) = %s", (m, want) => {
    expect(formatCpu(millicores(m))).toBe(want);
  });

  it.each<[number, string]>([
    [536870912, "512Mi"],
    [1610612736, "1536Mi"],
    [1073741824, "1Gi"], // TestQuantityString
    [300 * 1024 * 1024, "300Mi"],
    [6 * 1024, "6Ki"],
    [1001 * 1024 ** 3, "1001Gi"],
    [1024 ** 4, "1Ti"],
    [1024 ** 5, "1Pi"],
    [5, "5"],
    [1025, "1025"],
    [1000000, "1M"],
    [1000000000, "1G"],
    [1234567000000, "1234567M"],
    [3000, "3k"], // TestNewSet
    [1024, "1Ki"],
    [1234, "1234"],
    [0, "0"],
    [10 ** 10, "9765625Ki"], // divisible by 1024, and binary wins
    [-1073741824, "-1Gi"],
  ])("formatMemory(%i) = %s", (b, want) => {
    expect(formatMemory(bytes(b))).toBe(want);
  });
});

describe("properties", () => {
  const safe = (n: number) => Number.isSafeInteger(n);
  // Plain random integers almost never land on a suffix boundary, so also draw n * base^k.
  const scaled = (base: number) =>
    fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: 0, max: 5 })).map(([n, k]) => n * base ** k).filter(safe);
  const counts = fc.oneof(fc.maxSafeInteger(), scaled(1024), scaled(1000));
  const sign = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

  it("toBytes(formatMemory(b)) === b", () => {
    fc.assert(fc.property(counts, (b) => toBytes(formatMemory(bytes(b))) === b));
  });

  it("toMillicores(formatCpu(m)) === m", () => {
    fc.assert(fc.property(counts, (m) => toMillicores(formatCpu(millicores(m))) === m));
  });

  it("compareExact preserves the order of formatted values", () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const mem = compareExact(parseQuantity(formatMemory(bytes(a))), parseQuantity(formatMemory(bytes(b))));
        const cpu = compareExact(parseQuantity(formatCpu(millicores(a))), parseQuantity(formatCpu(millicores(b))));
        return mem === sign(a, b) && cpu === sign(a, b);
      }),
    );
  });

  it("a leading minus negates exactly", () => {
    const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 25 });
    const suffix = fc.constantFrom("", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "e7", "e-12");
    fc.assert(
      fc.property(digits, digits, suffix, (i, f, s) => {
        const pos = parseQuantity(`${i}.${f}${s}`);
        const neg = parseQuantity(`-${i}.${f}${s}`);
        return neg.num === -pos.num && neg.den === pos.den;
      }),
    );
  });
});

describe("quantities for people to read", () => {
  it("shows CPU as the exact quantity", () => {
    expect([showCpu(8600), showCpu(2000), showCpu(500), showCpu(0), showCpu(3_000_000)]).toEqual(["8600m", "2", "500m", "0", "3k"]);
    expect(() => showCpu(0.5)).toThrow(new RangeError("millicores must be a safe integer, got 0.5"));
  });

  it("shows memory exactly when it is whole Mi, else in Mi with two decimals", () => {
    expect([showMemory(512 * 1024 ** 2), showMemory(2 * 1024 ** 3), showMemory(2457600000), showMemory(0)]).toEqual(["512Mi", "2Gi", "2343.75Mi", "0"]);
  });

  it("shows memory from 1Gi up in Gi with one decimal in compact style", () => {
    const Gi = 1024 ** 3;
    expect([showMemory(1.5 * Gi, "compact"), showMemory(2 * Gi, "compact"), showMemory(Gi, "compact"), showMemory(512 * 1024 ** 2, "compact")]).toEqual(["1.5Gi", "2Gi", "1Gi", "512Mi"]);
  });

  it("reads a quantity from a number or a string", () => {
    expect([cpuQuantity(2), cpuQuantity("500m"), memoryQuantity("1Gi"), memoryQuantity(1024)]).toEqual([2000, 500, 1073741824, 1024]);
  });
});
