// Policy config the way the Pulumi CLI builds it before calling Configure: the `--policy-pack-config`
// file parsed, every policy's schema defaults filled in first, initial config and the file applied on
// top ("all" sets every level), then the result validated against each policy's schema. The pack itself
// never applies defaults, so a harness that skipped this would run it with different config.
import { closest } from "../../config/nearest";
import { readUserFile } from "../../config/paths";
import { duplicates } from "./stackfile-yaml";
import { InputError } from "./errors";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfig {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

export interface PolicySchema {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
}

export interface PolicyMeta {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicySchema;
}

export class PolicyConfigError extends InputError {}

/** A config file: `{policy: "level" | {enforcementLevel?, ...properties}}`, as the CLI reads it. */
export function parsePolicyConfig(text: string, source: string): Record<string, PolicyConfig> {
  if (text.trim() === "") return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PolicyConfigError(`${source}: not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new PolicyConfigError(`${source}: expected a JSON object keyed by policy name`);
  // JSON.parse keeps the last of two equal keys without a word; the first (a pin, say) would be lost.
  const dup = duplicates(text);
  if (dup.length > 0) throw new PolicyConfigError(`${source}: ${dup.join("; ")}; keep one of each`);
  const out: Record<string, PolicyConfig> = {};
  for (const [policy, v] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof v === "string") {
      out[policy] = { enforcementLevel: level(v, `${source}: ${policy}`) };
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      const { enforcementLevel, ...properties } = v as Record<string, unknown>;
      out[policy] = {
        ...(enforcementLevel !== undefined ? { enforcementLevel: level(enforcementLevel, `${source}: ${policy}.enforcementLevel`) } : {}),
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
      };
    } else {
      throw new PolicyConfigError(`${source}: ${policy}: ${JSON.stringify(v)} is not a valid value; must be a string or object`);
    }
  }
  return out;
}

function level(v: unknown, where: string): EnforcementLevel {
  if (typeof v === "string" && (LEVELS as readonly string[]).includes(v)) return v as EnforcementLevel;
  throw new PolicyConfigError(`${where}: ${JSON.stringify(v)} is not a valid enforcement level (${LEVELS.join(", ")})`);
}

export function readPolicyConfigFile(path: string): Record<string, PolicyConfig> {
  let text: string;
  try {
    text = readUserFile(path, "policy config");
  } catch (e) {
    throw new PolicyConfigError((e as Error).message);
  }
  return parsePolicyConfig(text, path);
}

function apply(result: Map<string, PolicyConfig>, given: Record<string, PolicyConfig>): void {
  const all = given.all?.enforcementLevel;
  if (all) for (const [k, v] of result) result.set(k, { ...v, enforcementLevel: all });
  for (const [policy, g] of Object.entries(given)) {
    if (policy === "all") continue;
    const cur = result.get(policy) ?? {};
    result.set(policy, {
      ...(g.enforcementLevel ?? cur.enforcementLevel ? { enforcementLevel: g.enforcementLevel ?? cur.enforcementLevel } : {}),
      ...(cur.properties || g.properties ? { properties: { ...cur.properties, ...g.properties } } : {}),
    });
  }
}

/** The config to send with Configure, or every validation error as `policy: path: message`. */
export function reconcile(
  policies: readonly PolicyMeta[],
  initial: Record<string, PolicyConfig>,
  given: Record<string, PolicyConfig>,
): { config: Map<string, PolicyConfig>; errors: string[] } {
  const result = new Map<string, PolicyConfig>();
  for (const p of policies) {
    const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, s]) => "default" in s);
    result.set(p.name, {
      enforcementLevel: p.enforcementLevel,
      ...(defaults.length > 0 ? { properties: Object.fromEntries(defaults.map(([k, s]) => [k, structuredClone(s.default)])) } : {}),
    });
  }
  apply(result, initial);
  apply(result, given);
  // A misspelled name would configure nothing, so a pinned budget would silently not apply.
  const names = policies.map((p) => p.name);
  const errors: string[] = Object.keys(given)
    .filter((k) => k !== "all" && !names.includes(k))
    .map((k) => {
      const near = closest(k, names);
      return `${k}: no such policy in the pack${near ? ` (did you mean ${near}?)` : `; its policies are ${names.join(", ")}`}`;
    });
  for (const p of policies) {
    if (!p.configSchema) continue;
    const schema = { type: "object", properties: p.configSchema.properties ?? {}, required: p.configSchema.required ?? [] };
    errors.push(...validate(schema, result.get(p.name)?.properties ?? {}, "").map((e) => `${p.name}: ${e}`));
  }
  return { config: result, errors };
}

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v;

/** The JSON Schema keywords policy schemas use: type, enum, minimum/maximum, pattern, properties, required, additionalProperties, items. */
export function validate(schema: Record<string, any>, v: unknown, path: string): string[] {
  const at = path === "" ? "(root)" : path;
  const errs: string[] = [];
  const t = typeOf(v);
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = types.some((ty) => ty === t || (ty === "number" && t === "integer"));
    if (!ok) return [`${at}: invalid type, expected ${types.join(" or ")}, given ${t}`];
  }
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) errs.push(`${at}: must be one of ${JSON.stringify(schema.enum)}`);
  if (typeof v === "number") {
    if (schema.minimum !== undefined && v < schema.minimum) errs.push(`${at}: must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) errs.push(`${at}: must be <= ${schema.maximum}`);
  }
  if (typeof v === "string" && schema.pattern && !new RegExp(schema.pattern).test(v)) errs.push(`${at}: does not match ${schema.pattern}`);
  if (t === "object") {
    const o = v as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) errs.push(`${at}: ${r} is required`);
    for (const [k, x] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (sub) errs.push(...validate(sub, x, path === "" ? k : `${path}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}: additional property ${k} is not allowed`);
    }
  }
  if (t === "array" && schema.items) (v as unknown[]).forEach((x, i) => errs.push(...validate(schema.items, x, `${path}[${i}]`)));
  return errs;
}
