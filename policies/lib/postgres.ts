// Postgres memory settings as Postgres reads them: an integer (or, since 12, a decimal) with an optional
// unit B, kB, MB, GB or TB, 1024-based and case-sensitive; a bare number is in the setting's own unit
// (8kB blocks for shared_buffers).
const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export const BLOCK = 8192;

/** Bytes, or an error naming what Postgres would reject. */
export function parsePostgresMemory(v: unknown, bareUnit = BLOCK): { ok: true; bytes: number } | { ok: false; error: string } {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return { ok: true, bytes: Math.floor(v * bareUnit) };
  if (typeof v !== "string") return { ok: false, error: `${JSON.stringify(v)} is not a Postgres memory value` };
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(v);
  if (!m) return { ok: false, error: `${JSON.stringify(v)} is not a Postgres memory value` };
  const unit = m[2]!;
  if (unit !== "" && !(unit in UNITS)) return { ok: false, error: `${JSON.stringify(v)} has unit "${unit}"; Postgres takes B, kB, MB, GB or TB (case-sensitive)` };
  return { ok: true, bytes: Math.floor(Number(m[1]) * (unit === "" ? bareUnit : UNITS[unit]!)) };
}
