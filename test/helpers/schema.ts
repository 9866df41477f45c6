// The shape checks alone: config/schema through config/parse, without the program's cross-field checks
// (components/platform/checks.ts), so a schema test fails only for a schema's reason. The components'
// credential paths are still handed over, so a missing credential reads as the user reads it.
import { formatIssue } from "../../config/issues";
import { parseStackConfig } from "../../config/parse";
import type { StackRules } from "../../config/raw";
import type { StackConfig } from "../../config/schema";
import { credentialPaths } from "../../components/registry";
import { baseValues, raw, set } from "./stack";

const SHAPES_ONLY: StackRules = { checks: [], credentials: credentialPaths };

/** Every shape problem as the user reads it, `key.path: message`, or [] when the shapes are valid. */
export function shapeProblems(values: Record<string, unknown>, stack = "dev"): string[] {
  const r = parseStackConfig(raw(values, stack), SHAPES_ONLY);
  return r.ok ? [] : r.issues.map(formatIssue);
}

/** The shape problems after setting one dotted path in the baseline (undefined deletes it). */
export const problemsAt = (path: string, value: unknown): string[] => shapeProblems(set(baseValues(), path, value));

/** The shape problems of a whole-number key at its bounds and one past each: at min, at max, below, above. */
export const boundsAt = (path: string, min: number, max: number): string[][] => [min, max, min - 1, max + 1].map((v) => problemsAt(path, v));

/** The parsed config after setting one dotted path in the baseline; throws with the problems if invalid. */
export function parsedAt(path: string, value: unknown): StackConfig {
  const r = parseStackConfig(raw(set(baseValues(), path, value)), SHAPES_ONLY);
  if (!r.ok) throw new Error(`expected valid shapes, got:\n${r.issues.map(formatIssue).join("\n")}`);
  return r.config;
}
