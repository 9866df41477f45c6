// Validates rendered KEDA objects against the CRD schemas vendored in fixtures/keda, the way the API
// server validates a custom resource with `fieldValidation=Strict`: the structural OpenAPI v3 subset a
// CRD may use (type, properties, required, additionalProperties, items, enum, minimum/maximum, int32,
// date-time, x-kubernetes-int-or-string/preserve-unknown-fields), and a field the schema does not define
// is an error, not pruned. metadata is `type: object` in every CRD; the API server checks it as ObjectMeta.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { SchemaProblem } from "./kubernetes-schema";

export interface Schema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  anyOf?: Schema[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  [k: string]: unknown;
}

const DIR = join(__dirname, "fixtures", "keda");

/** The vendored schemas by kind (keda.sh/v1alpha1). */
export const KEDA_SCHEMAS: Record<string, Schema> = {
  ScaledObject: (parse(readFileSync(join(DIR, "scaledobjects.keda.sh.yaml"), "utf8")) as { openAPIV3Schema: Schema }).openAPIV3Schema,
  TriggerAuthentication: (parse(readFileSync(join(DIR, "triggerauthentications.keda.sh.yaml"), "utf8")) as { openAPIV3Schema: Schema }).openAPIV3Schema,
};

const INT32 = 2 ** 31;
const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v);

function check(v: unknown, s: Schema, path: string, out: SchemaProblem[]): void {
  const at = path === "" ? "(root)" : path;
  if (s["x-kubernetes-int-or-string"]) {
    if (typeof v !== "string" && !Number.isInteger(v)) out.push({ path: at, message: `must be an integer or a string, got ${typeOf(v)}` });
    return;
  }
  if (s.anyOf && !s.anyOf.some((alt) => problems(v, alt, path).length === 0)) out.push({ path: at, message: "matches none of anyOf" });
  const t = typeOf(v);
  if (s.type && !(s.type === t || (s.type === "number" && t === "integer"))) {
    out.push({ path: at, message: `must be ${s.type}, got ${t}` });
    return;
  }
  if (s.enum && !s.enum.includes(v)) out.push({ path: at, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(v)}` });
  if (typeof v === "number") {
    if (s.minimum !== undefined && v < s.minimum) out.push({ path: at, message: `must be at least ${s.minimum}, got ${v}` });
    if (s.maximum !== undefined && v > s.maximum) out.push({ path: at, message: `must be at most ${s.maximum}, got ${v}` });
    if (s.format === "int32" && (v < -INT32 || v >= INT32)) out.push({ path: at, message: `must fit int32, got ${v}` });
  }
  if (typeof v === "string" && s.format === "date-time" && Number.isNaN(Date.parse(v))) out.push({ path: at, message: `must be a date-time, got ${JSON.stringify(v)}` });
  if (t === "array" && s.items) (v as unknown[]).forEach((x, i) => check(x, s.items!, `${path}[${i}]`, out));
  if (t !== "object") return;
  const o = v as Record<string, unknown>;
  for (const r of s.required ?? []) if (!(r in o)) out.push({ path: path === "" ? r : `${path}.${r}`, message: "is required" });
  // An object schema with neither properties nor additionalProperties (metadata) holds anything.
  const open = s["x-kubernetes-preserve-unknown-fields"] === true || (s.properties === undefined && s.additionalProperties === undefined);
  for (const [k, x] of Object.entries(o)) {
    const p = path === "" ? k : `${path}.${k}`;
    const prop = s.properties?.[k];
    if (prop) check(x, prop, p, out);
    else if (typeof s.additionalProperties === "object") check(x, s.additionalProperties, p, out);
    else if (!open && s.additionalProperties !== true) out.push({ path: p, message: "unknown field: the CRD schema does not define it" });
  }
}

export function problems(v: unknown, s: Schema, path = ""): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  check(v, s, path, out);
  return out;
}

/** Every problem of a rendered keda.sh/v1alpha1 object, or one saying its kind has no vendored schema. */
export function validateKeda(o: { apiVersion?: string; kind?: string }): SchemaProblem[] {
  if (o.apiVersion !== "keda.sh/v1alpha1") return [{ path: "apiVersion", message: `is not keda.sh/v1alpha1: ${o.apiVersion}` }];
  const s = KEDA_SCHEMAS[o.kind ?? ""];
  if (!s) return [{ path: "kind", message: `no vendored KEDA schema for ${o.kind}` }];
  return problems(o, s);
}
