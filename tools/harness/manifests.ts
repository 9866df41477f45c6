// Kubernetes objects as they are written to disk: render writes them, and plan --base compares against
// a folder render wrote, so both read this one definition. Secret values are placeholders.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { prepareOutputDir, writeFailure } from "../../config/paths";
import type { K8sObject } from "../../model/k8s";

/** `<kind>-<name>.yaml` in lower case. */
export function fileName(o: K8sObject): string {
  return `${o.kind}-${o.metadata?.name ?? "unnamed"}.yaml`.toLowerCase();
}

/** A Secret as it may be written to disk: every value a placeholder naming its key. */
export function maskSecret(o: K8sObject): K8sObject {
  if (o.kind !== "Secret") return o;
  const { data, stringData, ...rest } = o as K8sObject & { data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  const keys = [...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})];
  return { ...rest, stringData: Object.fromEntries(keys.map((k) => [k, `placeholder-${o.metadata?.name}-${k}`])) };
}

/** The YAML file's text for one object. */
export function manifestYaml(o: K8sObject): string {
  return stringify(maskSecret(o), { lineWidth: 0 });
}

/** An object as reading its written file back gives it (Secrets masked, undefined fields gone). */
export function asWritten(o: K8sObject): K8sObject {
  return parse(manifestYaml(o)) as K8sObject;
}

/**
 * Writes one file per object into `dir` (created if missing); returns the file names, in order. A folder
 * that cannot be used or a file that cannot be written is a PathError naming it (exit 2).
 */
export function writeManifests(objects: readonly K8sObject[], dir: string): string[] {
  prepareOutputDir(dir);
  const written = new Set<string>();
  for (const o of objects) {
    const name = fileName(o);
    if (written.has(name)) throw new Error(`two objects would both be written to ${name}`);
    written.add(name);
    try {
      writeFileSync(join(dir, name), manifestYaml(o));
    } catch (e) {
      throw writeFailure(join(dir, name), e);
    }
  }
  return [...written];
}
