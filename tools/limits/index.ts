// npm run limits -- <stack> [--json] [--only <workload>[,<workload>]]
// Renders the stack as plan and render do (the program under mocks), then runs each workload whose
// software Debian ships with its rendered config inside a fresh memory cgroup of its rendered limit,
// under the worst-case load of its role, and reports limit, settings, load, time, OOM kills and health.
// Exit 0: every workload that ran survived; 1: one did not; 2: bad arguments or an invalid stack;
// 3: the test cannot run here (no cgroup, or a binary missing: the message names the path, errno, package).
import { parseStack } from "../../components/platform/checks";
import { formatIssue } from "../../config/issues";
import { rawStackFrom } from "../../config/raw";
import { EXIT, main, UsageError } from "../harness/cli";
import { kubernetesObjects } from "../harness/program";
import { runStack } from "../harness/run-stack";
import { readStackFile } from "../harness/stackfile";
import { CgroupError, detectHierarchy } from "./cgroup";
import { formatReport } from "./report";
import { missingFor, runLimits, workloadsOf } from "./run";

const USAGE = "usage: npm run limits -- <stack> [--json] [--only <workload>[,<workload>...]]";

export async function limits(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1]?.split(",").filter(Boolean) : undefined;
  const rest = argv.filter((a, i) => a !== "--json" && a !== "--placeholder-secrets" && (onlyAt < 0 || (i !== onlyAt && i !== onlyAt + 1)));
  if (rest.length !== 1 || rest[0]!.startsWith("-") || (onlyAt >= 0 && !only?.length)) throw new UsageError(USAGE);
  // The test starts its servers with passwords of its own: credentials the file does not set are placeholders.
  const file = readStackFile(rest[0]!, process.cwd(), { placeholderSecrets: true });
  // An invalid stack throws StackConfigInvalid here, which the entry's frame prints as exit 2.
  const run = await runStack(file);
  const parsed = parseStack(rawStackFrom(file.stack, file.config, (k) => file.secretKeys.includes(k)));
  if (!parsed.ok) {
    process.stderr.write(parsed.issues.map(formatIssue).join("\n") + "\n");
    return EXIT.config;
  }
  const workloads = workloadsOf(kubernetesObjects(run), parsed.config);
  const unknown = (only ?? []).filter((n) => !workloads.some((w) => w.name === n));
  if (unknown.length > 0) throw new UsageError(`--only: stack ${file.stack} renders no workload ${unknown.join(", ")} (it has ${workloads.map((w) => w.name).join(", ")})`);
  try {
    detectHierarchy();
  } catch (e) {
    if (!(e instanceof CgroupError)) throw e;
    process.stderr.write(`rightsize limits: cannot run here: ${e.message}\n`);
    return EXIT.internal;
  }
  const missing = missingFor(workloads.filter((w) => !only || only.includes(w.name)));
  if (missing.length > 0) {
    process.stderr.write(`rightsize limits: cannot run here: missing Debian packages: ${missing.join(" ")}; install with: sudo apt-get install -y ${missing.join(" ")}\n`);
    return EXIT.internal;
  }
  let report;
  try {
    report = await runLimits(file.stack, workloads, only);
  } catch (e) {
    if (!(e instanceof CgroupError)) throw e;
    process.stderr.write(`rightsize limits: cannot run here: ${e.message}\n`);
    return EXIT.internal;
  }
  process.stdout.write(json ? JSON.stringify(report, null, 2) + "\n" : formatReport(report));
  return report.survived ? EXIT.ok : EXIT.violation;
}

if (require.main === module) main(limits);
