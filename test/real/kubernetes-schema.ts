// Validates rendered objects against the Kubernetes OpenAPI schema, twice over:
// 1. kubernetes-models' per-kind validators (generated from the OpenAPI spec: types, formats, required);
// 2. a strict pass for unknown fields, which those validators accept silently. It walks each object
//    against the TypeScript declarations kubernetes-models generates from the same spec, using the
//    TypeScript checker, so a misspelled or misplaced field (`readinessprobe`, `spec.containers` on a
//    Deployment) fails.
import { join } from "node:path";
import ts from "typescript";

export interface SchemaProblem {
  path: string;
  message: string;
}

const ROOT = join(__dirname, "..", "..");

/** apiVersion + kind -> module path inside kubernetes-models (without extension). */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const dir = group === "" ? `v1` : `${knownGroupDir(group!)}/${version}`;
  return `kubernetes-models/${dir}/${kind}`;
}

function knownGroupDir(group: string): string {
  // Core-ish groups are folders named after the short group; the rest use the full group name.
  const short: Record<string, string> = { apps: "apps", batch: "batch", autoscaling: "autoscaling", policy: "policy" };
  return short[group] ?? group;
}

/** Runs kubernetes-models' validator for the object's kind. */
export async function validateWithModels(o: { apiVersion: string; kind: string }): Promise<SchemaProblem[]> {
  const mod = modelModule(o.apiVersion, o.kind);
  const file = join(ROOT, "node_modules", `${mod}.js`);
  const imported = (await import(file)) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = imported[o.kind];
  if (!Model) return [{ path: "", message: `kubernetes-models has no ${o.kind} in ${mod}` }];
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [{ path: "", message: (e as Error).message }];
  }
}

let checker: { program: ts.Program; checker: ts.TypeChecker; file: ts.SourceFile } | undefined;
const typeCache = new Map<string, ts.Type>();

function typeFor(apiVersion: string, kind: string): ts.Type {
  const key = `${apiVersion}/${kind}`;
  const cached = typeCache.get(key);
  if (cached) return cached;
  if (!checker) throw new Error("call prepareTypes() first");
  const alias = `T_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
  const decl = checker.file.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === alias);
  if (!decl) throw new Error(`no declared type for ${key}`);
  const t = checker.checker.getTypeFromTypeNode(decl.type);
  typeCache.set(key, t);
  return t;
}

/** Builds one TypeScript program that declares the interface of every kind given. */
export function prepareTypes(kinds: readonly { apiVersion: string; kind: string }[]): void {
  const unique = [...new Map(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k])).values()];
  const lines = unique.map(
    (k) => `export type T_${`${k.apiVersion}/${k.kind}`.replace(/[^A-Za-z0-9]/g, "_")} = import("${modelModule(k.apiVersion, k.kind)}").I${k.kind};`,
  );
  const fileName = join(ROOT, "__schema_types__.mts");
  const source = lines.join("\n");
  const options: ts.CompilerOptions = { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    name === fileName ? ts.createSourceFile(name, source, lang, true) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const file = program.getSourceFile(fileName)!;
  const diags = ts.getPreEmitDiagnostics(program, file);
  if (diags.length > 0) throw new Error(`cannot load kubernetes-models types: ${ts.flattenDiagnosticMessageText(diags[0]!.messageText, "\n")}`);
  checker = { program, checker: program.getTypeChecker(), file };
  typeCache.clear();
}

function nonNullable(c: ts.TypeChecker, t: ts.Type): ts.Type {
  return c.getNonNullableType(t);
}

function walk(c: ts.TypeChecker, value: unknown, type: ts.Type, path: string, out: SchemaProblem[]): void {
  if (value === null || typeof value !== "object") return;
  const t = nonNullable(c, type);
  if (Array.isArray(value)) {
    const elem = c.isArrayType(t) ? c.getTypeArguments(t as ts.TypeReference)[0] : undefined;
    if (elem) value.forEach((v, i) => walk(c, v, elem, `${path}[${i}]`, out));
    return;
  }
  // Unions such as IntOrString hold no object members: nothing to check beneath.
  const candidates = t.isUnion() ? t.types.filter((u) => (u.flags & ts.TypeFlags.Object) !== 0) : [t];
  if (candidates.length === 0) return;
  const target = candidates[0]!;
  const index = c.getIndexTypeOfType(target, ts.IndexKind.String);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = target.getProperty(k);
    const at = path === "" ? k : `${path}.${k}`;
    if (prop) walk(c, v, c.getTypeOfSymbol(prop), at, out);
    else if (index) walk(c, v, index, at, out);
    else out.push({ path: at, message: "unknown field: the Kubernetes schema does not define it" });
  }
}

/** Every field the schema does not define, with its path. */
export function unknownFields(o: { apiVersion: string; kind: string }): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  walk(checker!.checker, o, typeFor(o.apiVersion, o.kind), "", out);
  return out;
}
