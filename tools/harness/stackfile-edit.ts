// Stack config edits, as dotted paths under `rightsize:` with Kubernetes quantities as values: in memory
// (the edited stack a command plans), as the `pulumi config set --path` commands a user types, and in
// Pulumi.<stack>.yaml itself, line by line (yaml-edit.ts): every byte but the values set stays.
import { readFileSync, writeFileSync } from "node:fs";
import { isMap, parseDocument } from "yaml";
import { parseStack } from "../../components/platform/checks";
import { formatIssue } from "../../config/issues";
import { writeFailure } from "../../config/paths";
import { rawStackFrom } from "../../config/raw";
import type { StackConfig } from "../../config/schema";
import type { StackFile } from "./stackfile";
import { editYamlLines } from "./yaml-edit";

export interface ConfigChange {
  /** Dotted path under `rightsize:`, e.g. `celery.workers.default.resources.limits.memory`. */
  path: string;
  /** The Kubernetes quantity, as written to config. */
  value: string;
  /** The current value, as a quantity; undefined when it was unset. */
  from?: string;
}

/** The stack file's key for a top-level config key: as written there (`rightsize:web` or `web`). */
function fileKey(keys: Iterable<string>, top: string): string {
  for (const k of keys) if (k === `rightsize:${top}` || k === top) return k;
  return `rightsize:${top}`;
}

/** The stack's config values with the changes applied, as the CLI would hand them to the program. */
export function applyToConfig(file: StackFile, changes: readonly ConfigChange[]): StackFile {
  const config = { ...file.config };
  for (const c of changes) {
    const [top, ...rest] = c.path.split(".");
    const key = `rightsize:${top}`;
    const value = config[key] === undefined ? {} : (JSON.parse(config[key]!) as Record<string, unknown>);
    let o = value;
    for (const k of rest.slice(0, -1)) {
      if (!o[k] || typeof o[k] !== "object") o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[rest.at(-1)!] = c.value;
    config[key] = JSON.stringify(value);
  }
  return { ...file, config };
}

/**
 * The stack config's problems as the program would print them (`key.path: message`), from the same
 * parser the program's loader calls; [] when it is valid. Cheap, so proposals are checked before planning.
 */
export function configProblems(file: StackFile): string[] {
  const r = parseStack(rawStackFrom(file.stack, file.config, (k: string) => file.secretKeys.includes(k)));
  return r.ok ? [] : r.issues.map(formatIssue);
}

/** The stack config as the program parses it, or undefined when it is invalid. */
export function parsedConfig(file: StackFile): StackConfig | undefined {
  const r = parseStack(rawStackFrom(file.stack, file.config, (k: string) => file.secretKeys.includes(k)));
  return r.ok ? r.config : undefined;
}

/** `pulumi config set --path <key> <value> -s <stack>`, one per change. */
export function commandsFor(stack: string, changes: readonly ConfigChange[]): string[] {
  return changes.map((c) => `pulumi config set --path ${c.path} ${c.value} -s ${stack}`);
}

/** Pulumi.<stack>.yaml with the changes made: only the lines of the keys set change (yaml-edit.ts). */
export function editStackText(text: string, changes: readonly ConfigChange[]): string {
  const config = parseDocument(text).get("config");
  const keys = isMap(config) ? config.items.map((i) => String((i.key as { value?: unknown })?.value ?? i.key)) : [];
  return editYamlLines(
    text,
    changes.map((c) => {
      const [top, ...rest] = c.path.split(".");
      return { path: ["config", fileKey(keys, top!), ...rest], value: c.value };
    }),
  );
}

/** Edits Pulumi.<stack>.yaml in place: every byte but the values set stays as it was. */
export function writeStackFile(path: string, changes: readonly ConfigChange[]): void {
  const text = editStackText(readFileSync(path, "utf8"), changes);
  try {
    writeFileSync(path, text);
  } catch (e) {
    // A read-only file or a full disk is the user's to fix (exit 2), not an internal error.
    throw writeFailure(path, e);
  }
}
