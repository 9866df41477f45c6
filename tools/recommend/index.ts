// npm run recommend -- <stack> (--prometheus <url> | --usage <file>) [--window 7d] [--min-history 24h]
//   [--count <workload>=<n>]... [--allow-count-changes]
//   [--json|--markdown] [--write] [--policy-pack-config <file>] [--placeholder-secrets] [--print-queries]
// Proposes requests and limits from observed usage, then runs the current and the proposed stack through
// plan's own code (the program under mocks, the real pack over the Analyzer protocol), so the tuning
// before -> after and the fit are the ones `plan` would show. Exit codes are plan's, plus 4 when
// Prometheus cannot be reached, answers an error, or has no series for the stack's namespace.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { EXIT, main, readStack, takePlaceholderFlag, UsageError } from "../harness/cli";
import { startPolicyPack } from "../harness/pack-process";
import { exitCodeOf, planStack, readGivenPolicyConfig } from "../plan";
import type { Plan } from "../capacity/build-plan";
import { propose, type Recommendation, rejectInvalid, tradeAdvice, workloadRecommendations } from "./build";
import { applyToConfig, commandsFor, configProblems, writeStackFile } from "./config-edit";
import { type Answers, fetchAnswers, PrometheusError, prometheusUrlProblem, queries, readUsageFile, UsageFileError } from "./prometheus";
import { renderRecommendMarkdown, renderRecommendText } from "./render";
import { DEFAULT_STRATEGY, parseDuration, type Strategy } from "./strategy";
import { mapUsage, targetWorkloads } from "./workloads";
import { parsedConfig } from "./config-edit";
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
  const { rest, placeholderSecrets } = takePlaceholderFlag(argv);
  const take = (flag: string): string | undefined => {
    const at = rest.indexOf(flag);
    if (at < 0) return undefined;
    const v = rest[at + 1];
    if (!v || v.startsWith("--")) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    rest.splice(at, 2);
    return v;
  };
  const prometheus = take("--prometheus");
  const usageFile = take("--usage");
  const window = take("--window") ?? "7d";
  const minHistory = take("--min-history") ?? "24h";
  const policyConfig = take("--policy-pack-config");
  const counts: Record<string, number> = {};
  for (let c = take("--count"); c !== undefined; c = take("--count")) {
    const m = /^([a-z0-9][a-z0-9-]*)=(\d+)$/.exec(c);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--count: ${JSON.stringify(c)} is not <workload>=<n> with n >= 1, e.g. --count celery-worker-default=4`);
    counts[m[1]!] = Number(m[2]);
  }
  const windowSeconds = parseDuration(window);
  if (windowSeconds === undefined) throw new UsageError(`--window: ${JSON.stringify(window)} is not a duration such as 7d, 36h or 90m`);
  const minHistorySeconds = parseDuration(minHistory);
  if (minHistorySeconds === undefined) throw new UsageError(`--min-history: ${JSON.stringify(minHistory)} is not a duration such as 24h or 3d`);
  if (minHistorySeconds > windowSeconds) throw new UsageError(`--min-history ${minHistory} is longer than --window ${window}: no workload could ever have enough history`);
  const flags = rest.filter((a) => a.startsWith("-"));
  const args = rest.filter((a) => !a.startsWith("-"));
  const known = ["--json", "--markdown", "--write", "--print-queries", "--allow-count-changes"];
  const unknown = flags.filter((f) => !known.includes(f));
  if (unknown.length > 0 || args.length !== 1) throw new UsageError(unknown.length > 0 ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE);
  if (flags.includes("--json") && flags.includes("--markdown")) throw new UsageError(`--json and --markdown are exclusive\n${USAGE}`);
  const printQueries = flags.includes("--print-queries");
  const badUrl = prometheus !== undefined ? prometheusUrlProblem(prometheus) : undefined;
  if (badUrl) throw new UsageError(`--prometheus: ${JSON.stringify(prometheus)} ${badUrl}\n${USAGE}`);
  if (prometheus !== undefined && usageFile !== undefined) throw new UsageError(`give one of --prometheus <url> and --usage <file>, not both\n${USAGE}`);
  if (prometheus === undefined && usageFile === undefined && !printQueries) throw new UsageError(`give --prometheus <url> or --usage <file>\n${USAGE}`);
  return {
    stack: args[0]!,
    source: usageFile !== undefined ? { usageFile } : { prometheus: prometheus ?? "" },
    windowSeconds,
    strategy: { ...DEFAULT_STRATEGY, minHistorySeconds },
    format: flags.includes("--json") ? "json" : flags.includes("--markdown") ? "markdown" : "text",
    write: flags.includes("--write"),
    printQueries,
    placeholderSecrets,
    ...(policyConfig ? { policyConfig } : {}),
    counts,
    allowCountChanges: flags.includes("--allow-count-changes"),
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
function startProposedChild(): { child: ChildProcess; result: Promise<{ code: number; plan?: Plan; stderr: string }> } {
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const child = spawn(process.execPath, ["-r", join(__dirname, "..", "harness", "register.js"), join(__dirname, "proposed.ts")], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const result = new Promise<{ code: number; plan?: Plan; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0 || !out) return reject(new Error(`the proposed stack's plan exited ${status}: ${err.trim()}`));
      resolve({ ...(JSON.parse(out) as { code: number; plan?: Plan }), stderr: err });
    });
  });
  result.catch(() => undefined);
  return { child, result };
}

export async function recommend(argv: string[]): Promise<number> {
  const args = parseRecommendArgs(argv);
  const given = readGivenPolicyConfig(args.policyConfig);
  if (typeof given === "number") return given;
  const file = readStack(args.stack, { placeholderSecrets: args.placeholderSecrets });
  if (typeof file === "number") return file;
  const pack = startPolicyPack();
  const proposedRun = startProposedChild();
  let sent = false;
  const send = (input: object) => {
    sent = true;
    proposedRun.child.stdin!.end(JSON.stringify(input));
  };
  try {
    const current = await planStack(pack, file, given, args.policyConfig);
    if (typeof current === "number") return current;
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
      if (!(e instanceof PrometheusError) && !(e instanceof UsageFileError)) throw e;
      process.stderr.write(`${e.message}\n`);
      return e instanceof PrometheusError ? EXIT.prometheus : EXIT.config;
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
      process.stderr.write(`--count: no workload ${unknownCounts.join(", ")} in stack ${file.stack} (workloads: ${targets.map((t) => t.name).join(", ")})\n`);
      return EXIT.config;
    }
    const proposals = propose(targets, mapped.usage, args.strategy, { config: config, plan: current.plan, counts: args.counts, allowCountChanges: args.allowCountChanges });
    // A workload whose proposal the config validation rejects keeps its current values (checked with the
    // program's own parser, so only a valid proposal is planned); then the proposed stack goes through
    // plan's code in the child process.
    for (let problems = configProblems(applyToConfig(file, proposals.changes)); problems.length > 0; ) {
      if (rejectInvalid(proposals, targets, problems).length === 0) break;
      problems = configProblems(applyToConfig(file, proposals.changes));
    }
    send(proposals.changes.length > 0 ? { file: applyToConfig(file, proposals.changes), given, policyConfigPath: args.policyConfig, packPort: pack.port } : {});
    const after = await proposedRun.result;
    const unchanged = proposals.changes.length === 0;
    const proposedPlan = unchanged ? current.plan : after.plan;
    const configErrors = !unchanged && after.code === EXIT.config ? after.stderr.trim().split("\n").filter(Boolean) : [];
    const code = unchanged ? exitCodeOf(current.plan) : after.code;
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
