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
