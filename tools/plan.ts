// npm run plan -- <stack> [--json|--markdown]
// Exit 0: no mandatory policy violated; 1: one is; 2: the stack config is invalid.
import { EXIT, loadStack, main, UsageError } from "./cli";
import { kubernetesObjects } from "./program";
import { appImageReport, buildPlan, renderMarkdown, renderText } from "./report";

const USAGE = "usage: npm run plan -- <stack> [--json|--markdown]";

export async function plan(argv: string[]): Promise<number> {
  const flags = argv.filter((a) => a.startsWith("-"));
  const args = argv.filter((a) => !a.startsWith("-"));
  const unknown = flags.filter((f) => f !== "--json" && f !== "--markdown");
  if (unknown.length > 0 || args.length !== 1 || flags.length > 1) throw new UsageError(USAGE);
  const loaded = await loadStack(args[0]!);
  if (typeof loaded === "number") return loaded;
  const p = buildPlan(
    loaded.file.stack,
    kubernetesObjects(loaded.run),
    undefined,
    "the CrossGuard policy pack is not wired into plan yet",
    appImageReport(loaded.run.resources),
  );
  const stackFile = `Pulumi.${loaded.file.stack}.yaml`;
  if (flags[0] === "--json") process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
  else if (flags[0] === "--markdown") process.stdout.write(renderMarkdown(p, stackFile));
  else process.stdout.write(renderText(p, stackFile));
  return p.violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT.violation : EXIT.ok;
}

if (require.main === module) main(plan);
