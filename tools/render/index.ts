// npm run render -- <stack> --out <dir>
// One kubectl-applicable YAML file per object, `<kind>-<name>.yaml` in lower case. Secret values are
// placeholders: Secret data is replaced wholesale, and any Pulumi secret was masked when collected.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { K8sObject } from "../../model/k8s";
import { EXIT, loadStack, main, takePlaceholderFlag, UsageError } from "../harness/cli";
import { kubernetesObjects } from "../harness/program";

const USAGE = "usage: npm run render -- <stack> --out <dir> [--placeholder-secrets]";

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

export async function render(all: string[]): Promise<number> {
  const { rest: argv, placeholderSecrets } = takePlaceholderFlag(all);
  const outAt = argv.indexOf("--out");
  const dir = outAt >= 0 ? argv[outAt + 1] : undefined;
  const rest = argv.filter((_, i) => i !== outAt && i !== outAt + 1);
  if (!dir || rest.length !== 1 || rest[0]!.startsWith("-")) throw new UsageError(USAGE);
  const loaded = await loadStack(rest[0]!, { placeholderSecrets });
  if (typeof loaded === "number") return loaded;
  mkdirSync(dir, { recursive: true });
  const written = new Set<string>();
  for (const o of kubernetesObjects(loaded.run)) {
    const name = fileName(o);
    if (written.has(name)) throw new Error(`two objects would both be written to ${name}`);
    written.add(name);
    writeFileSync(join(dir, name), stringify(maskSecret(o), { lineWidth: 0 }));
  }
  process.stdout.write(`wrote ${written.size} objects for stack ${loaded.file.stack} to ${dir}\n`);
  return EXIT.ok;
}

if (require.main === module) main(render);
