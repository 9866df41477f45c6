// npm run render -- <stack> --out <dir> [--placeholder-secrets]
// One kubectl-applicable YAML file per object, `<kind>-<name>.yaml` in lower case. Secret values are
// placeholders: Secret data is replaced wholesale, and any Pulumi secret was masked when collected.
import { prepareOutputDir } from "../../config/paths";
import { PLACEHOLDER_SECRETS, parseCommandArgs } from "../harness/args";
import { EXIT, main, noteMissingSecrets, UsageError } from "../harness/cli";
import { writeManifests } from "../harness/manifests";
import { runStack } from "../harness/run-stack";
import { readStackFile } from "../harness/stackfile";

const USAGE = "usage: npm run render -- <stack> --out <dir> [--placeholder-secrets]";

export async function render(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: "string" }, ...PLACEHOLDER_SECRETS }, 1, USAGE);
  const dir = values.out;
  if (!dir) throw new UsageError(`--out <dir> is required\n${USAGE}`);
  // Before the program runs: a folder that cannot be written is known at once (a PathError, exit 2).
  prepareOutputDir(dir);
  const file = readStackFile(positionals[0]!, process.cwd(), { placeholderSecrets: values["placeholder-secrets"] ?? false });
  noteMissingSecrets(file);
  const { kubernetesObjects } = await import("../harness/program");
  const written = writeManifests(kubernetesObjects(await runStack(file)), dir);
  process.stdout.write(`wrote ${written.length} objects for stack ${file.stack} to ${dir}\n`);
  return EXIT.ok;
}

if (require.main === module) main(render);
