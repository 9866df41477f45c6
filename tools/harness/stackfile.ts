// Reads Pulumi.<stack>.yaml the way the CLI hands config to a program: every key as text (objects as
// JSON), plus the list of keys stored encrypted. `secure:` values become placeholders: the offline runner
// has no passphrase or KMS, and a real secret must never reach plan or render output.
import { existsSync } from "node:fs";
import { PathError, readUserFile } from "../../config/paths";
import { join } from "node:path";
import { parseStackYaml, StackYamlError } from "./stackfile-yaml";
import { credentialPaths } from "../../components/registry";
import { InputError } from "./errors";

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** Credentials the file does not set, given placeholders because the caller asked for them. */
  missingSecrets: string[];
}

export interface ReadOptions {
  /**
   * Give a credential the file does not set a placeholder, as if it were stored encrypted: the shipped
   * Pulumi.prod.yaml carries none (they are set per deployment), and no plan or render number depends
   * on a credential's value. Off, a missing one is the config error `pulumi up` would give.
   */
  placeholderSecrets?: boolean;
}

export class StackFileError extends InputError {}

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

/** Sets each credential that is absent to its placeholder; returns the paths it set. */
function fillCredentials(values: Record<string, unknown>): string[] {
  const filled: string[] = [];
  for (const path of credentialPaths(values)) {
    const keys = path.split(".");
    let o: unknown = values;
    for (const k of keys.slice(0, -1)) {
      const r = o as Record<string, unknown>;
      if (r[k] === undefined) r[k] = {};
      o = r[k];
      if (o === null || typeof o !== "object" || Array.isArray(o)) break;
    }
    if (o === null || typeof o !== "object" || Array.isArray(o)) continue;
    const last = keys.at(-1)!;
    if ((o as Record<string, unknown>)[last] !== undefined) continue;
    (o as Record<string, unknown>)[last] = placeholder(path);
    filled.push(path);
  }
  return filled;
}

export function readStackFile(stack: string, dir = process.cwd(), opts: ReadOptions = {}): StackFile {
  if (!/^[\w.-]+$/.test(stack)) throw new StackFileError(`stack name ${JSON.stringify(stack)} is not a valid Pulumi stack name`);
  const path = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(path)) throw new StackFileError(`Pulumi.${stack}.yaml: no such stack file in ${dir}`);
  let root: Record<string, unknown>;
  try {
    root = parseStackYaml(`Pulumi.${stack}.yaml`, readUserFile(path, "stack file"));
  } catch (e) {
    if (e instanceof StackYamlError || e instanceof PathError) throw new StackFileError(e.message);
    throw e;
  }
  const cfg = (root.config ?? {}) as Record<string, unknown>;
  if (typeof cfg !== "object" || Array.isArray(cfg)) throw new StackFileError(`Pulumi.${stack}.yaml: config: must be a map`);
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(cfg)) {
    const full = key.includes(":") ? key : `rightsize:${key}`;
    const found = { any: false };
    values[full] = replaceSecure(value, full.replace(/^rightsize:/, ""), found);
    if (found.any) secretKeys.push(full);
  }
  let missingSecrets: string[] = [];
  if (opts.placeholderSecrets) {
    const ours = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith("rightsize:")).map(([k, v]) => [k.slice("rightsize:".length), v]));
    missingSecrets = fillCredentials(ours);
    for (const [k, v] of Object.entries(ours)) values[`rightsize:${k}`] = v;
    for (const p of missingSecrets) if (!secretKeys.includes(`rightsize:${p.split(".")[0]}`)) secretKeys.push(`rightsize:${p.split(".")[0]}`);
  }
  const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return { stack, path, config, secretKeys, missingSecrets };
}
