// Stack config -> one typed StackConfig, or every problem at once. Pure: the loader (load.ts) is the
// only reader of pulumi.Config and hands this the raw values.
import { z } from "zod";
import { type ConfigIssue, issue } from "./issues";
import { environmentOf, explainMissingCredentials } from "./credentials";
import { closest } from "./nearest";
import type { RawStack, StackRules } from "./raw";
import { type StackConfig, stackSchema } from "./schema";

export type { RawStack } from "./raw";

export type ParseResult = { ok: true; config: StackConfig } | { ok: false; issues: ConfigIssue[] };

const NO_RULES: StackRules = { checks: [], credentials: () => [] };

/**
 * The shapes, then the cross-field checks the caller gives (components/platform/checks.ts has the
 * program's rules; config/ parses and validates shapes only and knows no derivation).
 */
export function parseStackConfig(raw: RawStack, rules: StackRules = NO_RULES): ParseResult {
  const values = { ...raw.values };
  const parsed = stackSchema.safeParse(values, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => fromZod(i, stackSchema));
    return { ok: false, issues: explainMissingCredentials(issues, rules.credentials(values), values, raw.stack) };
  }
  const config: StackConfig = { ...parsed.data, environment: environmentOf(parsed.data.environment, raw.stack), stack: raw.stack };
  const issues = rules.checks.flatMap((check) => check(config, raw));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}

type Issue = z.core.$ZodIssue;

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function fromZod(i: Issue, root: z.ZodType, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  const path = [...prefix, ...i.path];
  const key = dotted(path);
  const input = (i as { input?: unknown }).input;
  switch (i.code) {
    case "unrecognized_keys":
      return i.keys.map((k) => {
        const known = keysAt(root, path);
        const near = known.length > 0 ? closest(k, known) : undefined;
        const hint = near ? ` (did you mean ${near}?)` : known.length > 0 ? ` (known keys: ${known.join(", ")})` : "";
        return issue(dotted([...path, k]), `unknown key${hint}`);
      });
    case "invalid_key": {
      // A map key (a pool or extra name) that fails its pattern: say what the name must be.
      const inner = (i as { issues?: { message: string }[] }).issues ?? [];
      return [issue(key, `the name ${inner.map((x) => x.message).join("; ") || "is not allowed"}`, input)];
    }
    case "invalid_union": {
      if (input === undefined) return [issue(key, "is required")];
      // Report the branch whose type matched (a string that is not pinned, an object with a bad field).
      const branches = i.errors.filter((b) => !b.some((e) => e.code === "invalid_type" && e.path.length === 0));
      if (branches.length === 1) return branches[0]!.flatMap((e) => fromZod(e, root, path));
      return [issue(key, i.message, input)];
    }
    case "invalid_type":
      if (input === undefined) return [issue(key, "is required")];
      return [issue(key, `must be ${article(i.expected)}`, input)];
    case "too_small":
      return [issue(key, sizeRule("at least", i.origin, i.minimum), input)];
    case "too_big":
      return [issue(key, sizeRule("at most", i.origin, i.maximum), input)];
    case "invalid_value":
      return [issue(key, `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`, input)];
    default:
      // A rule about a missing key carries no value to show (YAML's empty `key:` is null, and as missing).
      return input === undefined || i.message === "is required" ? [issue(key, i.message)] : [issue(key, i.message, input)];
  }
}

/** `must be at least 2` for a number; for a string or a list, what is counted, and an empty one is named so. */
function sizeRule(bound: "at least" | "at most", origin: string, n: number | bigint): string {
  const unit = origin === "string" ? "character" : origin === "array" ? "item" : undefined;
  if (unit === undefined) return `must be ${bound} ${String(n)}`;
  if (bound === "at least" && Number(n) === 1) return "must not be empty";
  return `must have ${bound} ${String(n)} ${unit}${Number(n) === 1 ? "" : "s"}`;
}

function article(expected: string): string {
  const names: Record<string, string> = { int: "a whole number", number: "a number", string: "a string", boolean: "true or false", object: "a map of keys", array: "a list", record: "a map of keys" };
  return names[expected] ?? expected;
}

/** The keys an object schema allows at a path, looking through defaults, optionals and pipes. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (let depth = 0; ; depth++) {
    s = unwrap(s);
    if (depth === path.length) break;
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    const seg = path[depth];
    if (shape && typeof seg === "string" && seg in shape) s = shape[seg];
    else if ((s as { def?: { type?: string; valueType?: unknown } }).def?.type === "record") s = (s as { def: { valueType: unknown } }).def.valueType;
    else return [];
  }
  const shape = (s as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(s: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const def = (s as { def?: { type?: string; innerType?: unknown; in?: unknown } }).def;
    if (!def) return s;
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else return s;
  }
  return s;
}
