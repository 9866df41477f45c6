// `--write` as line edits: each key the proposal sets has its scalar replaced where it stands, or a line
// added at the end of the block map that should hold it; every other byte of the stack file stays as it
// was (comments, blank lines, quoting, flow lists such as `queues: [default, scraping]`, which the yaml
// package's serializer would respace). Pure: text in, text out.
import { isMap, isScalar, parseDocument, type Scalar, type YAMLMap } from "yaml";

export interface LineEdit {
  /** Keys from the document root, e.g. ["config", "rightsize:web", "resources", "limits", "memory"]. */
  path: string[];
  value: string;
}

/** The value as YAML would read it back as this string: plain where plain stays a string, else quoted. */
function scalarText(value: string, style: Scalar["type"]): string {
  const plainIsString = (() => {
    try {
      return parseDocument(`v: ${value}`).get("v") === value && !/[#:]/.test(value);
    } catch {
      return false;
    }
  })();
  if (style === "QUOTE_SINGLE") return `'${value.replace(/'/g, "''")}'`;
  if (style === "QUOTE_DOUBLE" || !plainIsString) return JSON.stringify(value);
  return value;
}

/** The column of a block map's keys. */
function indentOf(text: string, map: YAMLMap): number {
  const first = map.items[0]?.key as { range?: [number, number, number] } | undefined;
  const at = first?.range?.[0] ?? map.range?.[0] ?? 0;
  return at - (text.lastIndexOf("\n", at - 1) + 1);
}

/** Applies the edits one by one; throws when a path runs through something that is not a block map. */
export function editYamlLines(text: string, edits: readonly LineEdit[]): string {
  let out = text;
  for (const e of edits) out = editOne(out, e);
  return out;
}

function editOne(text: string, e: LineEdit): string {
  const doc = parseDocument(text);
  const node = doc.getIn(e.path, true);
  if (isScalar(node) && node.range) {
    const [start, end] = node.range;
    return text.slice(0, start) + scalarText(e.value, node.type) + text.slice(end);
  }
  if (node !== undefined) throw new Error(`${e.path.join(".")} is not a scalar in the stack file`);
  // The deepest map on the path that exists: the new keys go at its end, indented as its keys.
  let depth = e.path.length - 1;
  let parent: unknown;
  for (; depth >= 0; depth--) {
    parent = depth === 0 ? doc.contents : doc.getIn(e.path.slice(0, depth), true);
    if (parent !== undefined) break;
  }
  if (!isMap(parent) || parent.flow || !parent.range || parent.items.length === 0) {
    throw new Error(`${e.path.slice(0, depth).join(".")} is not a block map in the stack file`);
  }
  const indent = indentOf(text, parent);
  const rest = e.path.slice(depth);
  const lines = rest.map((k, i) => `${" ".repeat(indent + 2 * i)}${k}:${i === rest.length - 1 ? ` ${scalarText(e.value, "PLAIN")}` : ""}`);
  const at = parent.range[1];
  const lead = at > 0 && text[at - 1] !== "\n" ? "\n" : "";
  return text.slice(0, at) + lead + lines.join("\n") + "\n" + text.slice(at);
}
