// Parses a stack file's YAML, turning the mistakes a hand edit makes into messages that name the key:
// a key written twice (yaml's own error ends in a colon and a code frame), keys outside `config:`.
import { isPair, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { outsideConfig } from "../../config/namespace";

export class StackYamlError extends Error {}

/** Each key set twice in one map, as `path (line a and line b)`, in file order. */
export function duplicates(src: string): string[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { ...STACK_YAML_OPTIONS, lineCounter, uniqueKeys: false });
  const found: string[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      const prefix = ancestors.filter(isPair).map((p) => String(isScalar(p.key) ? p.key.value : p.key));
      const seen = new Map<string, number>();
      for (const item of map.items) {
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const line = lineCounter.linePos((item.key as { range?: [number] })?.range?.[0] ?? 0).line;
        const first = seen.get(k);
        if (first === undefined) seen.set(k, line);
        else found.push(`${[...prefix, k].join(".")} is set twice, at line ${first} and line ${line}`);
      }
    },
  });
  return found;
}

/**
 * YAML as the Pulumi CLI reads a stack file (Go's yaml.v3): merge keys (`<<: *anchor`) are resolved, and
 * aliases may not expand past a bound, so an alias bomb is an invalid file found at once rather than an
 * exhausted process.
 */
export const STACK_YAML_OPTIONS = { merge: true } as const;
const MAX_ALIAS_COUNT = 100;

/** The stack file's root map, or a StackYamlError naming what is wrong with it. */
export function parseStackYaml(stackFile: string, src: string): Record<string, unknown> {
  const doc = parseDocument(src, STACK_YAML_OPTIONS);
  if (doc.errors.length > 0) {
    const dup = doc.errors.some((e) => e.code === "DUPLICATE_KEY") ? duplicates(src) : [];
    if (dup.length > 0) throw new StackYamlError(`${stackFile}: ${dup.join("; ")}; keep one of each`);
    throw new StackYamlError(`${stackFile}: not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    // yaml's "Excessive alias count indicates a resource exhaustion attack", or a nesting too deep to walk.
    if (e instanceof ReferenceError || e instanceof RangeError) {
      throw new StackYamlError(`${stackFile}: not a valid stack file: its aliases expand too far (more than ${MAX_ALIAS_COUNT} times, or nested too deep); write the values out`);
    }
    throw e;
  }
  if (typeof root !== "object" || root === null || Array.isArray(root)) throw new StackYamlError(`${stackFile}: expected a map with a config: key`);
  const stray = outsideConfig(stackFile, root as Record<string, unknown>);
  if (stray) throw new StackYamlError(stray);
  return root as Record<string, unknown>;
}
