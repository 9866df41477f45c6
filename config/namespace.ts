// Pulumi hands a program every key of the stack file, in every namespace, and other namespaces are
// normal (`kubernetes:context`). A namespace one slip away from ours (`rightsise:web`) is not: its keys
// would be ignored and the workload planned with its defaults, so it is an error naming the nearest match.
import { type ConfigIssue, issue } from "./issues";
import { levenshtein } from "./nearest";

/** Edits within which a namespace is taken for a misspelling of ours rather than another package's. */
const MAX_EDITS = 2;

export function namespaceTypos(fullKeys: Iterable<string>, namespace: string): ConfigIssue[] {
  const found: ConfigIssue[] = [];
  for (const full of fullKeys) {
    const at = full.indexOf(":");
    if (at <= 0) continue;
    const ns = full.slice(0, at);
    if (ns === namespace || levenshtein(ns.toLowerCase(), namespace) > MAX_EDITS) continue;
    const key = full.slice(at + 1);
    found.push(issue(full, `namespace "${ns}" is not "${namespace}", so this key would be ignored (did you mean ${namespace}:${key}?)`));
  }
  return found;
}

/** The top-level keys of a Pulumi stack file; anything else is ignored by the CLI. */
const STACK_FILE_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

/**
 * Keys written at the top of a stack file instead of under `config:` (a lost indent): the CLI ignores
 * them, and the program would see an empty config and report every required key as missing.
 */
export function outsideConfig(stackFile: string, root: Record<string, unknown>): string | undefined {
  const stray = Object.keys(root).filter((k) => !STACK_FILE_KEYS.has(k));
  if (stray.length === 0) return undefined;
  return `${stackFile}: ${stray.join(", ")} ${stray.length === 1 ? "sits" : "sit"} at the top of the file, outside \`config:\`, where Pulumi does not read stack config; indent ${stray.length === 1 ? "it" : "them"} under a \`config:\` key`;
}
