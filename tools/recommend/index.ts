// npm run recommend -- <stack> (--prometheus <url> | --usage <file>) [--window 7d] [--min-history 24h]
//   [--json|--markdown] [--write] [--policy-pack-config <file>] [--placeholder-secrets] [--print-queries]
// Proposes requests and limits from observed usage, then runs the current and the proposed stack through
// plan's own code (the program under mocks, the real pack over the Analyzer protocol), so the tuning
// before -> after and the fit are the ones `plan` would show. Exit codes are plan's, plus 4 when
// Prometheus cannot be reached or answers an error.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PLACEHOLDER_SECRETS, parseCommandArgs } from "../harness/args";
import { planStack, violatesMandatory } from "../capacity/plan-stack";
import { EXIT, main, noteMissingSecrets, UsageError } from "../harness/cli";
import { startPolicyPack } from "../harness/pack-process";
import { readPolicyConfigFile } from "../harness/policy-config";
import { readStackFile } from "../harness/stackfile";
import type { ProposedInput, ProposedOutput } from "./proposed";
import { propose, type Recommendation, rejectInvalid, tradeAdvice, workloadRecommendations } from "./build";
import { applyToConfig, commandsFor, configProblems, writeStackFile } from "../harness/stackfile-edit";
import { type Answers, fetchAnswers, PrometheusError, queries, readUsageFile } from "./prometheus";
import { renderRecommendMarkdown, renderRecommendText } from "./render";
import { DEFAULT_STRATEGY, parseDuration, type Strategy } from "./strategy";
import { mapUsage, targetWorkloads } from "./workloads";

const USAGE =
  "usage: npm run recommend -- <stack> (--prometheus <url> | --usage <file>) [--window 7d] [--min-history 24h] [--json|--markdown] [--write] [--policy-pack-config <file>] [--placeholder-secrets] [--print-queries]";

export interface RecommendArgs {
  stack: string;
  source: { prometheus: string } | { usageFile: string };
  windowSeconds: number;
  strategy: Strategy;
  format: "text" | "json" | "markdown";
  write: boolean;
  printQueries: boolean;
  /** Placeholders for credentials the stack file does not set (see plan's --placeholder-secrets). */
  placeholderSecrets: boolean;
  policyConfig?: string;
}

export function parseRecommendArgs(argv: string[]): RecommendArgs {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      prometheus: { type: "string" },
      usage: { type: "string" },
      window: { type: "string", default: "7d" },
      "min-history": { type: "string", default: "24h" },
      "policy-pack-config": { type: "string" },
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      write: { type: "boolean" },
      "print-queries": { type: "boolean" },
      ...PLACEHOLDER_SECRETS,
    },
    1,
    USAGE,
  );
  const { prometheus, usage: usageFile, window, "min-history": minHistory } = values;
  const policyConfig = values["policy-pack-config"];
  const windowSeconds = parseDuration(window);
  if (windowSeconds === undefined) throw new UsageError(`--window: ${JSON.stringify(window)} is not a duration such as 7d, 36h or 90m`);
  const minHistorySeconds = parseDuration(minHistory);
  if (minHistorySeconds === undefined) throw new UsageError(`--min-history: ${JSON.stringify(minHistory)} is not a duration such as 24h or 3d`);
  if (values.json && values.markdown) throw new UsageError(`--json and --markdown are exclusive\n${USAGE}`);
  const printQueries = values["print-queries"] ?? false;
  if (prometheus !== undefined && usageFile !== undefined) throw new UsageError(`give one of --prometheus <url> and --usage <file>, not both\n${USAGE}`);
  if (prometheus === undefined && usageFile === undefined && !printQueries) throw new UsageError(`give --prometheus <url> or --usage <file>\n${USAGE}`);
  return {
    stack: positionals[0]!,
    source: usageFile !== undefined ? { usageFile } : { prometheus: prometheus ?? "" },
    windowSeconds,
    strategy: { ...DEFAULT_STRATEGY, minHistorySeconds },
    format: values.json ? "json" : values.markdown ? "markdown" : "text",
    write: values.write ?? false,
    printQueries,
    placeholderSecrets: values["placeholder-secrets"] ?? false,
    ...(policyConfig ? { policyConfig } : {}),
  };
}

/** The proposed stack's plan runs in a child process (the program loads once per process); it boots now. */
function startProposedChild(): { child: ChildProcess; result: Promise<ProposedOutput> } {
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const child = spawn(process.execPath, ["-r", join(__dirname, "..", "harness", "register.js"), join(__dirname, "proposed.ts")], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const result = new Promise<ProposedOutput>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0 || !out) return reject(new Error(`the proposed stack's plan exited ${status}: ${err.trim()}`));
      resolve(JSON.parse(out) as ProposedOutput);
    });
  });
  result.catch(() => undefined);
  return { child, result };
}

export async function recommend(argv: string[]): Promise<number> {
  const args = parseRecommendArgs(argv);
  const given = args.policyConfig ? readPolicyConfigFile(args.policyConfig) : {};
  const file = readStackFile(args.stack, process.cwd(), { placeholderSecrets: args.placeholderSecrets });
  noteMissingSecrets(file);
  const pack = startPolicyPack();
  const proposedRun = startProposedChild();
  let sent = false;
  const send = (input: ProposedInput) => {
    sent = true;
    proposedRun.child.stdin!.end(JSON.stringify(input));
  };
  try {
    const current = await planStack(pack, file, given, args.policyConfig ? { policyConfigPath: args.policyConfig } : {});
    const targets = targetWorkloads(current.objects);
    const namespace = current.objects.find((o) => o.kind === "Namespace")?.metadata?.name ?? targets[0]?.namespace ?? "";
    const qs = queries(namespace, args.windowSeconds, args.strategy.cpuPercentile);
    if (args.printQueries) {
      process.stdout.write(`${JSON.stringify(qs, null, 2)}\n`);
      return EXIT.ok;
    }
    let answers: Answers;
    try {
      answers = "prometheus" in args.source ? (await fetchAnswers(args.source.prometheus, qs)).answers : readUsageFile(args.source.usageFile);
    } catch (e) {
      if (!(e instanceof PrometheusError)) throw e;
      process.stderr.write(`${e.message}\n`);
      return EXIT.prometheus;
    }
    const mapped = mapUsage(answers, targets);
    const proposals = propose(targets, mapped.usage, args.strategy);
    // A workload whose proposal the config validation rejects keeps its current values (checked with the
    // program's own parser, so only a valid proposal is planned); then the proposed stack goes through
    // plan's code in the child process.
    for (let problems = configProblems(applyToConfig(file, proposals.changes)); problems.length > 0; ) {
      if (rejectInvalid(proposals, targets, problems).length === 0) break;
      problems = configProblems(applyToConfig(file, proposals.changes));
    }
    send(proposals.changes.length > 0 ? { file: applyToConfig(file, proposals.changes), given, ...(args.policyConfig ? { policyConfigPath: args.policyConfig } : {}), packPort: pack.port } : {});
    const after = await proposedRun.result;
    const unchanged = proposals.changes.length === 0;
    const proposedPlan = unchanged ? current.plan : after.plan;
    const configErrors = !unchanged && after.inputError !== undefined ? after.inputError.trim().split("\n").filter(Boolean) : [];
    const code = configErrors.length > 0 ? EXIT.config : proposedPlan && violatesMandatory(proposedPlan) ? EXIT.violation : EXIT.ok;
    const rec: Recommendation = {
      stack: file.stack,
      source: "prometheus" in args.source ? { prometheus: args.source.prometheus } : { usageFile: args.source.usageFile },
      namespace,
      windowSeconds: args.windowSeconds,
      strategy: args.strategy,
      queries: qs,
      workloads: workloadRecommendations(targets, mapped.usage, proposals, current.plan, proposedPlan),
      unmatched: mapped.unmatched,
      current: current.plan,
      proposed: proposedPlan ?? null,
      configErrors,
      trade: tradeAdvice(current.plan, proposedPlan),
      changes: proposals.changes,
      commands: commandsFor(file.stack, proposals.changes),
      written: false,
    };
    if (args.write && code === EXIT.ok && proposals.changes.length > 0) {
      writeStackFile(file.path, proposals.changes);
      rec.written = true;
    }
    const stackFile = `Pulumi.${file.stack}.yaml`;
    if (args.format === "json") process.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
    else process.stdout.write(args.format === "markdown" ? renderRecommendMarkdown(rec, stackFile, args.write) : renderRecommendText(rec, stackFile, args.write));
    if (configErrors.length > 0) process.stderr.write(`the proposed stack config is invalid:\n${configErrors.join("\n")}\n`);
    return code;
  } finally {
    if (!sent) proposedRun.child.kill();
    pack.close();
  }
}

if (require.main === module) main(recommend);
