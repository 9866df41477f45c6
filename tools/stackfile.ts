// Reads Pulumi.<stack>.yaml the way the CLI hands config to a program: every key as text (objects as
// JSON), plus the list of keys stored encrypted. `secure:` values become placeholders: the offline runner
// has no passphrase or KMS, and a real secret must never reach plan or render output.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
}

export class StackFileError extends Error {}

/** The placeholder a `secure:` value becomes; long enough to pass length checks, obviously not real. */
export function placeholder(path: string): string {
  return `placeholder-secret-for-${path}`;
}

function replaceSecure(v: unknown, path: string, found: { any: boolean }): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") {
      found.any = true;
      return placeholder(path);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, replaceSecure(x, `${path}.${k}`, found)]));
  }
  if (Array.isArray(v)) return v.map((x, i) => replaceSecure(x, `${path}[${i}]`, found));
  // YAML's .nan and .inf have no JSON form (JSON.stringify would make them null); keep them visible so
  // the error can show what was written.
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return v;
}

export function readStackFile(stack: string, dir = process.cwd()): StackFile {
  if (!/^[\w.-]+$/.test(stack)) throw new StackFileError(`stack name ${JSON.stringify(stack)} is not a valid Pulumi stack name`);
  const path = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(path)) throw new StackFileError(`Pulumi.${stack}.yaml: no such stack file in ${dir}`);
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new StackFileError(`Pulumi.${stack}.yaml: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  if (typeof root !== "object" || Array.isArray(root)) throw new StackFileError(`Pulumi.${stack}.yaml: expected a map with a config: key`);
  const cfg = (root.config ?? {}) as Record<string, unknown>;
  if (typeof cfg !== "object" || Array.isArray(cfg)) throw new StackFileError(`Pulumi.${stack}.yaml: config: must be a map`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(cfg)) {
    const full = key.includes(":") ? key : `rightsize:${key}`;
    const found = { any: false };
    const v = replaceSecure(value, full.replace(/^rightsize:/, ""), found);
    if (found.any) secretKeys.push(full);
    config[full] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { stack, path, config, secretKeys };
}
