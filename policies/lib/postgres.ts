// Postgres memory settings as Postgres reads them, for the policies; the one parser lives in
// config/native-units.ts beside the stricter one the stack config uses.
import { readPgMemory } from "../../model/native-units";

export const BLOCK = 8192;

/** Bytes, or an error naming what Postgres would reject; a bare number is in 8kB blocks by default. */
export function parsePostgresMemory(v: unknown, bareUnit = BLOCK): ReturnType<typeof readPgMemory> {
  return readPgMemory(v, bareUnit);
}
