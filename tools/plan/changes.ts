// `plan --base`: what this run changes against the objects a stack rendered before. Loaded only with
// --base (it loads yaml and, for a git ref, renders that commit in a child process).
import type { K8sObject } from "../../model/k8s";
import { InputError } from "../harness/errors";
import { asWritten } from "../harness/manifests";
import { loadBase } from "./base";
import { type Change, diffObjects, unusedAcknowledgements } from "./replacements";

export interface BaseOptions {
  /** The repository a git ref is read from; by default this checkout's. */
  repo?: string;
}

/**
 * The object changes from the base (a render folder or a git ref) to `head`. Throws a BaseError when the
 * base cannot be had, and an InputError for an acknowledgement that names no data-bearing replacement.
 */
export function changesAgainst(base: string, acknowledge: readonly string[], stack: string, head: readonly K8sObject[], opts: BaseOptions = {}): Change[] {
  const before = loadBase(base, stack, opts.repo);
  // The base is a render, so this run is compared as render would write it (Secrets as placeholders).
  const now = head.map(asWritten);
  const acknowledged = new Set(acknowledge);
  const changes = diffObjects(before, now, acknowledged);
  const unused = unusedAcknowledgements(changes, acknowledged);
  if (unused.length > 0) throw new InputError(`--acknowledge ${unused.join(", ")}: no replacement or deletion of a data-bearing object by that name against ${base}`);
  return changes;
}
