// Kubernetes resource quantities, parsed the way k8s.io/apimachinery/pkg/api/resource does
// (ParseQuantity, then MilliValue / Value), so the numbers we derive tuning from are the numbers
// the kubelet will enforce. Everything is BigInt: "0.1" has no exact binary float, and a float
// would make "1.1" CPU and 1100m disagree by an ulp, which ceil() turns into a whole millicore.
//
// Deliberate differences from apimachinery, all in the direction of rejecting more:
//  - apimachinery's scanner treats a missing number as 0, so "Gi", "m", ".", "+" and "-" all
//    parse as zero there. Its documented grammar requires digits, and a bare suffix in a config
//    is always a typo, so we follow the grammar.
//  - exponents beyond +-30 are refused instead of being carried in a big decimal (or, for
//    exponents that do not fit an int32, silently wrapped by apimachinery's int32 conversion).

import { bytes, GiB, MiB, millicores, type Bytes, type Millicores } from "./units";

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityError";
  }
}

/** value = num/den exactly; den > 0 and a power of ten. */
export interface Exact {
  num: bigint;
  den: bigint;
}

// Maps, not object literals: `suffix in {...}` would accept "1constructor".
const DECIMAL_SI = new Map<string, bigint>([
  ["n", -9n], ["u", -6n], ["m", -3n], ["", 0n], ["k", 3n], ["M", 6n], ["G", 9n], ["T", 12n], ["P", 15n], ["E", 18n],
]);
const BINARY_SI = new Map<string, bigint>([["Ki", 10n], ["Mi", 20n], ["Gi", 30n], ["Ti", 40n], ["Pi", 50n], ["Ei", 60n]]);
const MAX_EXPONENT = 30n;
const NANO = 10n ** 9n;
// apimachinery caps binarySI quantities at MaxInt64 ("9Ei" and "8Ei" both become 2^63-1).
const MAX_INT64 = 2n ** 63n - 1n;
const SUFFIX_HELP = "use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E";

function fail(s: string, why: string): never {
  throw new QuantityError(`${JSON.stringify(s)} is not a Kubernetes quantity: ${why}`);
}

// The suffix is where people bring habits from elsewhere (K, GB, gi), so say what to write instead.
function suffixHint(suffix: string): string {
  if (suffix === "K") return `unknown suffix "K" (use "k" for 1000 or "Ki" for 1024)`;
  if (/^[eE][+-]?$/.test(suffix)) return `exponent "${suffix}" has no digits (write e.g. 1e3; a lone "E" means exa)`;
  if (/^[eE][+-]?[\d.]*\./.test(suffix)) return `the exponent in "${suffix}" must be a whole number`;
  if (suffix.startsWith(".")) return "a number may contain only one decimal point";
  const caseFix = [...BINARY_SI.keys()].find((k) => k.toLowerCase() === suffix.toLowerCase());
  return `unknown suffix "${suffix}" (${caseFix ? `did you mean "${caseFix}"? ` : ""}${SUFFIX_HELP})`;
}

function pow10(e: bigint): bigint {
  return 10n ** e;
}

/** Divides, rounding the magnitude up (away from zero), as apimachinery's scaledValue does. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d; // BigInt division truncates toward zero
  if (n % d === 0n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

function normalize(num: bigint, den: bigint): Exact {
  if (num === 0n) return { num: 0n, den: 1n };
  while (den > 1n && num % 10n === 0n) {
    num /= 10n;
    den /= 10n;
  }
  return { num, den };
}

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/s;

export function parseQuantity(s: string): Exact {
  if (s.length === 0) fail(s, "it is empty");
  if (/\s/.test(s)) fail(s, "spaces are not allowed (write e.g. 512Mi, not 512 Mi)");
  const m = NUMBER_RE.exec(s)!; // every string matches: all groups may be empty
  const [, sign, intDigits = "", fracDigits = "", suffix = ""] = m;
  if (intDigits === "" && fracDigits === "") fail(s, `it must start with a number (${SUFFIX_HELP} after it)`);

  let exp10: bigint; // decimal exponent from the suffix
  let shift2 = 0n; // binary exponent from the suffix
  if (DECIMAL_SI.has(suffix)) {
    exp10 = DECIMAL_SI.get(suffix)!;
  } else if (BINARY_SI.has(suffix)) {
    exp10 = 0n;
    shift2 = BINARY_SI.get(suffix)!;
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) fail(s, suffixHint(suffix));
    // Compare digit strings before BigInt so "1e999999999" never builds a huge power of ten.
    const digits = e[1]!.replace(/^[+-]?0*/, "");
    if (digits.length > 2 || BigInt(digits || "0") > MAX_EXPONENT) {
      throw new QuantityError(`${JSON.stringify(s)} is out of range: exponents beyond ±${MAX_EXPONENT} are not supported`);
    }
    exp10 = BigInt(e[1]!); // BigInt accepts the leading sign and zeros
  }

  // Work in nanounits: apimachinery keeps nothing finer and rounds a finer non-zero value away
  // from zero ("0.1n" is 1n), so quantities that differ below a nano compare equal there too.
  const mantissa = BigInt(intDigits + fracDigits || "0") << shift2;
  const scale = exp10 - BigInt(fracDigits.length) + 9n; // value in nano = mantissa * 10^scale
  let nano = scale >= 0n ? mantissa * pow10(scale) : divAwayFromZero(mantissa, pow10(-scale));
  if (shift2 > 0n && nano > MAX_INT64 * NANO) nano = MAX_INT64 * NANO;
  return normalize(sign === "-" ? -nano : nano, NANO);
}

export function tryParseQuantity(s: string): { ok: true; value: Exact } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseQuantity(s) };
  } catch (e) {
    if (e instanceof QuantityError) return { ok: false, error: e.message };
    throw e;
  }
}

function scaledSafe(s: string, scale: bigint, unit: string): number {
  const q = parseQuantity(s);
  const v = divAwayFromZero(q.num * scale, q.den);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new QuantityError(
      `${JSON.stringify(s)} is too large: ${v} ${unit} is beyond ±${Number.MAX_SAFE_INTEGER}, the largest exact integer`,
    );
  }
  return Number(v);
}

/** ceil(value * 1000), rounding away from zero, as Quantity.MilliValue(). */
export function toMillicores(s: string): Millicores {
  return millicores(scaledSafe(s, 1000n, "millicores"));
}

/** ceil(value), rounding away from zero, as Quantity.Value(). */
export function toBytes(s: string): Bytes {
  return bytes(scaledSafe(s, 1n, "bytes"));
}

// Emit the form apimachinery's String() would, so the API server stores exactly what we send
// and a refresh shows no diff: the largest suffix whose multiplier divides the value.
function withLargestSuffix(n: bigint, steps: readonly (readonly [string, bigint])[]): string | undefined {
  const mag = n < 0n ? -n : n;
  for (const [suffix, factor] of steps) {
    if (mag % factor === 0n) return `${n / factor}${suffix}`;
  }
  return undefined;
}

const DECIMAL_STEPS = ["E", "P", "T", "G", "M", "k"].map((k) => [k, pow10(DECIMAL_SI.get(k)!)] as const);
const BINARY_STEPS = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"].map((k) => [k, 1n << BINARY_SI.get(k)!] as const);

/** 2000 -> "2", 500 -> "500m", 1500 -> "1500m"; whole thousands of cores get "k" like k8s. */
export function formatCpu(m: Millicores): string {
  const n = BigInt(millicores(m));
  if (n === 0n) return "0";
  // Scale the decimal steps into millicores: "k" is 10^6 millicores, "" is 10^3.
  const steps = [...DECIMAL_STEPS.map(([k, f]) => [k, f * 1000n] as const), ["", 1000n] as const];
  return withLargestSuffix(n, steps) ?? `${n}m`;
}

/** Binary suffix if one divides exactly ("1536Mi"), else decimal ("1M"), else plain bytes. */
export function formatMemory(b: Bytes): string {
  const n = BigInt(bytes(b));
  if (n === 0n) return "0";
  return withLargestSuffix(n, BINARY_STEPS) ?? withLargestSuffix(n, DECIMAL_STEPS) ?? `${n}`;
}

export function compareExact(a: Exact, b: Exact): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** CPU for people to read: the exact quantity, `8600m`. */
export const showCpu = (m: number): string => formatCpu(millicores(m));

/**
 * Memory for people to read, the one display rule. `exact` (messages): the quantity when it is a whole
 * number of Mi (`512Mi`, `2Gi`), otherwise Mi with two decimals so a KiB-based product stays readable
 * (`2343.75Mi`). `compact` (tables; the JSON carries exact bytes): from 1Gi up, Gi with one decimal.
 */
export function showMemory(b: number, style: "exact" | "compact" = "exact"): string {
  if (style === "compact" && b >= GiB) return `${(b / GiB).toFixed(1).replace(/\.0$/, "")}Gi`;
  if (b % MiB === 0) return formatMemory(bytes(b));
  return `${(b / MiB).toFixed(2)}Mi`;
}

export const cpuQuantity = (v: unknown): Millicores => toMillicores(String(v));
export const memoryQuantity = (v: unknown): Bytes => toBytes(String(v));
