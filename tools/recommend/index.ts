// npm run recommend -- <stack> (--prometheus <url> | --usage <file>) [--window 7d] [--min-history 24h]
//   [--count <workload>=<n>]... [--allow-count-changes]
//   [--json|--markdown] [--write] [--policy-pack-config <file>] [--placeholder-secrets] [--print-queries]
// Proposes requests and limits from observed usage, then runs the current and the proposed stack through
// plan's own code (the program under mocks, the real pack over the Analyzer protocol), so the tuning
// before -> after and the fit are the ones `plan` would show. Exit codes are plan's, plus 4 when
// Prometheus cannot be reached, answers an error, or has no series for the stack's namespace.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PLACEHOLDER_SECRETS, parseCommandArgs } from "../harness/args";
import { planStack, readGivenPolicyConfig, violatesMandatory } from "../capacity/plan-stack";
import { EXIT, main, noteMissingSecrets, UsageError } from "../harness/cli";
import { InputError } from "../harness/errors";
import { startPolicyPack } from "../harness/pack-process";
import { readStackFile } from "../harness/stackfile";
import type { ProposedInput, ProposedOutput } from "./proposed";
import { propose, type Recommendation, rejectInvalid, tradeAdvice, workloadRecommendations } from "./build";
import { applyToConfig, commandsFor, configProblems, parsedConfig, writeStackFile } from "../harness/stackfile-edit";
import { type Answers, fetchAnswers, PrometheusError, prometheusUrlProblem, queries, readUsageFile } from "./prometheus";
import { renderRecommendMarkdown, renderRecommendText } from "./render";
import { DEFAULT_STRATEGY, parseDuration, type Strategy } from "./strategy";
import { mapUsage, targetWorkloads } from "./workloads";
import { workloadsFrom } from "../../model/reservations";

const USAGE =
  "usage: npm run recommend -- <stack> (--prometheus <url> | --usage <file>) [--window 7d] [--min-history 24h] [--count <workload>=<n>]... [--allow-count-changes] [--json|--markdown] [--write] [--policy-pack-config <file>] [--placeholder-secrets] [--print-queries]";

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
  /** Stated counts by workload name (`--count web=3`): the memory is sized for them. */
  counts: Record<string, number>;
  /** Let the counts follow the sized box (without it they stay as they were). */
  allowCountChanges: boolean;
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
      count: { type: "string", multiple: true },
      "allow-count-changes": { type: "boolean" },
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
  const counts: Record<string, number> = {};
  for (const c of values.count ?? []) {
    const m = /^([a-z0-9][a-z0-9-]*)=(\d+)$/.exec(c);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--count: ${JSON.stringify(c)} is not <workload>=<n> with n >= 1, e.g. --count celery-worker-default=4`);
    counts[m[1]!] = Number(m[2]);
  }
  const windowSeconds = parseDuration(window);
  if (windowSeconds === undefined) throw new UsageError(`--window: ${JSON.stringify(window)} is not a duration such as 7d, 36h or 90m`);
  const minHistorySeconds = parseDuration(minHistory);
  if (minHistorySeconds === undefined) throw new UsageError(`--min-history: ${JSON.stringify(minHistory)} is not a duration such as 24h or 3d`);
  if (minHistorySeconds > windowSeconds) throw new UsageError(`--min-history ${minHistory} is longer than --window ${window}: no workload could ever have enough history`);
  if (values.json && values.markdown) throw new UsageError(`--json and --markdown are exclusive\n${USAGE}`);
  const printQueries = values["print-queries"] ?? false;
  const badUrl = prometheus !== undefined ? prometheusUrlProblem(prometheus) : undefined;
  if (badUrl) throw new UsageError(`--prometheus: ${JSON.stringify(prometheus)} ${badUrl}\n${USAGE}`);
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
    counts,
    allowCountChanges: values["allow-count-changes"] ?? false,
  };
}

/** No series at all for the namespace: which namespaces the source has (from the `namespaces` answer). */
export function emptyNamespaceMessage(namespace: string, answers: Answers, where: string): string | undefined {
  const any = answers.memory.length > 0 || answers.cpu.length > 0 || answers.samples.length > 0;
  if (any) return undefined;
  const seen = [...new Set(answers.namespaces.map((s) => s.namespace).filter(Boolean))].sort();
  const which = seen.length > 0 ? `it has series for namespace${seen.length === 1 ? "" : "s"} ${seen.join(", ")}` : "it has no container_memory_working_set_bytes series in the window at all";
  return `${where} has no container series for namespace ${namespace} in the window: ${which} (is rightsize:namespace right, and is cAdvisor scraped?)`;
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
  const given = readGivenPolicyConfig(args.policyConfig);
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
    const config = parsedConfig(file);
    const targets = targetWorkloads(current.objects, config);
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
    const where = "prometheus" in args.source ? `Prometheus at ${args.source.prometheus}` : `the usage file ${args.source.usageFile}`;
    const empty = emptyNamespaceMessage(namespace, answers, where);
    if (empty) {
      process.stderr.write(`${empty}\n`);
      return EXIT.prometheus;
    }
    const replicas = (name: string) => current.plan.workloads.find((w) => w.name === name)?.replicas ?? 1;
    const mapped = mapUsage(answers, targets, replicas, args.windowSeconds);
    const unknownCounts = Object.keys(args.counts).filter((n) => !targets.some((t) => t.name === n));
    if (unknownCounts.length > 0) {
      throw new InputError(`--count: no workload ${unknownCounts.join(", ")} in stack ${file.stack} (workloads: ${targets.map((t) => t.name).join(", ")})`);
    }
    const proposals = propose(targets, mapped.usage, args.strategy, { config: config, plan: current.plan, counts: args.counts, allowCountChanges: args.allowCountChanges });
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
    const surge = new Map(workloadsFrom(current.objects, current.plan.budget.nodes).map((w) => [w.name, w.surgePods]));
    const rec: Recommendation = {
      stack: file.stack,
      source: "prometheus" in args.source ? { prometheus: args.source.prometheus } : { usageFile: args.source.usageFile },
      namespace,
      windowSeconds: args.windowSeconds,
      strategy: args.strategy,
      queries: qs,
      workloads: workloadRecommendations(targets, mapped.usage, proposals, current.plan, proposedPlan, args.strategy),
      unmatched: mapped.unmatched,
      mappedBy: mapped.mappedBy,
      current: current.plan,
      proposed: proposedPlan ?? null,
      configErrors,
      trade: tradeAdvice(current.plan, proposedPlan, (name) => surge.get(name) ?? 0),
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
