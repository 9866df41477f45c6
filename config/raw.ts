// The stack file's values as the loader reads them, and the shape of a cross-field check over them.
import type { ConfigIssue } from "./issues";
import type { StackConfig } from "./schema";

export interface RawStack {
  stack: string;
  /** `rightsize:` keys with the namespace stripped, values already JSON-decoded. */
  values: Record<string, unknown>;
  /** Keys (without namespace) that the stack file stores encrypted. */
  secretKeys: ReadonlySet<string>;
}

/** A check that needs more than one key or a derivation; it reports every problem it finds. */
export type StackCheck = (c: StackConfig, raw: RawStack) => ConfigIssue[];

/**
 * What the program tells config/ about its components, which config/ cannot import: the cross-field
 * checks, in the order they report, and the credential paths the raw values require
 * (components/platform/checks.ts builds both from the component descriptors).
 */
export interface StackRules {
  readonly checks: readonly StackCheck[];
  readonly credentials: (values: Record<string, unknown>) => string[];
  /** Keys the stack file sets that have no effect, as messages naming each; logged as warnings. */
  readonly warnings?: (c: StackConfig, raw: RawStack) => string[];
}

export const NAMESPACE = "rightsize";

/**
 * The raw values from config as the CLI hands it to a program (every key as text, objects as JSON):
 * the loader passes pulumi's, the offline tools a stack file's, edited or not.
 */
export function rawStackFrom(stack: string, allConfig: Readonly<Record<string, string>>, isSecret: (fullKey: string) => boolean): RawStack {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, text] of Object.entries(allConfig)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    values[key] = decode(text);
    if (isSecret(fullKey)) secretKeys.add(key);
  }
  return { stack, values, secretKeys };
}

/** Pulumi hands object values as JSON text and scalars as plain text; scalars stay text. */
function decode(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}
