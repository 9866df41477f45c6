// Memory sizes in the software's own notation, for settings keyed and valued as the software takes them
// (Postgres' "384MB", Redis' "307mb"). Kubernetes quantities stay in quantity.ts; these are separate
// because the same letters mean different things: Postgres' MB is 2^20 and Redis' m is 10^6.
import { bytes, type Bytes, KiB } from "./units";

const PG_UNITS: readonly (readonly [string, number])[] = [
  ["TB", 1024 ** 4],
  ["GB", 1024 ** 3],
  ["MB", 1024 ** 2],
  ["kB", 1024],
];

export const PG_MEMORY_HELP = "a Postgres memory size such as 384MB or 4GB (a whole number and B, kB, MB, GB or TB, each 1024 times the last)";

/** The base unit of shared_buffers, effective_cache_size and wal_buffers: a bare number there is 8kB blocks. */
export const PG_BLOCK: Bytes = bytes(8 * KiB);

/**
 * A Postgres memory value read the way Postgres reads it (for values a policy finds in rendered objects,
 * which may come from anywhere): a number, integer or decimal, with an optional case-sensitive unit; a
 * bare number is in the setting's own unit (`bareUnit`, 8kB blocks for shared_buffers).
 */
export function readPgMemory(v: unknown, bareUnit: number = PG_BLOCK): { ok: true; bytes: Bytes } | { ok: false; error: string } {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return { ok: true, bytes: bytes(Math.floor(v * bareUnit)) };
  if (typeof v !== "string") return { ok: false, error: `${JSON.stringify(v)} is not a Postgres memory value` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(v);
  if (!m) return { ok: false, error: `${JSON.stringify(v)} is not a Postgres memory value` };
  const unit = m[2]!;
  const mult = unit === "" ? bareUnit : unit === "B" ? 1 : PG_UNITS.find(([u]) => u === unit)?.[1];
  if (mult === undefined) return { ok: false, error: `${JSON.stringify(v)} has unit "${unit}"; Postgres takes B, kB, MB, GB or TB (case-sensitive)` };
  const n = Math.floor(Number(m[1]) * mult);
  if (!Number.isSafeInteger(n)) return { ok: false, error: `${JSON.stringify(v)} is too large` };
  return { ok: true, bytes: bytes(n) };
}

/**
 * "384MB" -> bytes, for what people type in stack config: stricter than Postgres, since a bare number in
 * the setting's own unit (8kB blocks for shared_buffers, kB for work_mem) is too easy to misread, so a
 * unit and a whole number are required.
 */
export function parsePgMemory(s: string): Bytes | undefined {
  if (!/^\s*\d+\s*[A-Za-z]+\s*$/.test(s)) return undefined;
  const r = readPgMemory(s);
  return r.ok ? r.bytes : undefined;
}

/**
 * Bytes -> Postgres' notation, rounded down to the setting's base unit (8kB blocks for shared_buffers, kB
 * for work_mem, MB for max_wal_size) and written with the largest unit that divides it exactly, as SHOW
 * prints it: 402653184 -> "384MB", 1207959552 -> "1152MB".
 */
export function formatPgMemory(b: Bytes, baseUnit: Bytes = bytes(KiB)): string {
  const n = Math.floor(b / baseUnit) * baseUnit;
  if (n === 0) return "0";
  for (const [unit, mult] of PG_UNITS) if (n % mult === 0) return `${n / mult}${unit}`;
  return `${n}B`;
}

/** Rounds down to a multiple of the base unit: what Postgres will actually use. */
export function floorTo(b: number, unit: number): Bytes {
  return bytes(Math.floor(b / unit) * unit);
}

const REDIS_UNITS = new Map<string, number>([
  ["", 1],
  ["b", 1],
  ["k", 1000],
  ["kb", 1024],
  ["m", 1000 ** 2],
  ["mb", 1024 ** 2],
  ["g", 1000 ** 3],
  ["gb", 1024 ** 3],
]);

export const REDIS_MEMORY_HELP = "a Redis memory size such as 300mb or 1gb (bytes, or k/m/g for powers of 1000, kb/mb/gb for powers of 1024)";

/** Redis' notation (redis.conf's header: 1k = 1000, 1kb = 1024, case-insensitive) -> bytes. */
export function parseRedisMemory(v: string | number): Bytes | undefined {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(String(v).trim());
  if (!m) return undefined;
  const mult = REDIS_UNITS.get(m[2]!.toLowerCase());
  if (mult === undefined) return undefined;
  const n = Number(m[1]) * mult;
  return Number.isSafeInteger(n) ? bytes(n) : undefined;
}

/** Bytes -> "307mb" when whole mebibytes, else the plain byte count Redis also takes. */
export function formatRedisMemory(b: Bytes): string {
  const mib = 1024 ** 2;
  return b > 0 && b % mib === 0 ? `${b / mib}mb` : String(b);
}
