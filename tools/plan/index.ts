// npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>] [--placeholder-secrets]
//   [--base <render dir|git ref> [--acknowledge <Kind/name>]...]
// Runs the program under mocks and the real policy pack over the Analyzer protocol, as
// `pulumi preview --policy-pack policies [--policy-pack-config <file>]` would.
// Exit 0: no mandatory policy violated (and every data-bearing replacement acknowledged); 1: one is;
// 2: the stack or policy config is invalid. The pack starts before the SDK, the program and the gRPC
// stubs load.
import { planStack, readGivenPolicyConfig } from "../capacity/plan-stack";
import { PLACEHOLDER_SECRETS, parseCommandArgs } from "../harness/args";
import { main, noteMissingSecrets, UsageError } from "../harness/cli";
import { startPolicyPack } from "../harness/pack-process";
import { readStackFile } from "../harness/stackfile";
import { renderChangesMarkdown, renderChangesText } from "./changes-report";
import { renderMarkdown, renderText } from "./report";
import { planExitCode } from "./verdict";

const USAGE =
  "usage: npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>] [--placeholder-secrets] [--base <render dir|git ref> [--acknowledge <Kind/name>]...]";

interface Args {
  stack: string;
  format: "text" | "json" | "markdown";
  policyConfig?: string;
  placeholderSecrets: boolean;
  base?: string;
  acknowledge: string[];
}

export function parseArgs(argv: string[]): Args {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      "policy-pack-config": { type: "string" },
      base: { type: "string" },
      acknowledge: { type: "string", multiple: true },
      ...PLACEHOLDER_SECRETS,
    },
    1,
    USAGE,
  );
  if (values.json && values.markdown) throw new UsageError(`--json and --markdown are exclusive\n${USAGE}`);
  const acknowledge = (values.acknowledge ?? []).flatMap((a) => a.split(",")).filter(Boolean);
  if (acknowledge.length > 0 && values.base === undefined) throw new UsageError(`--acknowledge needs --base\n${USAGE}`);
  const policyConfig = values["policy-pack-config"];
  const format = values.json ? "json" : values.markdown ? "markdown" : "text";
  return {
    stack: positionals[0]!,
    format,
    placeholderSecrets: values["placeholder-secrets"] ?? false,
    acknowledge,
    ...(policyConfig ? { policyConfig } : {}),
    ...(values.base ? { base: values.base } : {}),
  };
}

export async function plan(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const given = readGivenPolicyConfig(args.policyConfig);
  // The pack boots (about a second: node, the SDK, the compiled pack) while the program runs under mocks.
  const pack = startPolicyPack();
  try {
    const file = readStackFile(args.stack, process.cwd(), { placeholderSecrets: args.placeholderSecrets });
    noteMissingSecrets(file);
    const planned = await planStack(pack, file, given, args.policyConfig ? { policyConfigPath: args.policyConfig } : {});
    const p = planned.plan;
    const stackFile = `Pulumi.${file.stack}.yaml`;
    // Loaded only with --base.
    const edit = args.base ? (await import("./changes")).changesAgainst(args.base, args.acknowledge, file.stack, planned.objects) : undefined;
    if (args.format === "json") process.stdout.write(`${JSON.stringify(edit ? { ...p, changes: { base: args.base, objects: edit } } : p, null, 2)}\n`);
    else if (args.format === "markdown") process.stdout.write(renderMarkdown(p, stackFile) + (edit ? renderChangesMarkdown(edit, args.base!) : ""));
    else process.stdout.write(renderText(p, stackFile) + (edit ? renderChangesText(edit, args.base!) : ""));
    return planExitCode(p, edit);
  } finally {
    pack.close();
  }
}

if (require.main === module) main(plan);
