// npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>] [--placeholder-secrets]
// Runs the program under mocks and the real policy pack over the Analyzer protocol, as
// `pulumi preview --policy-pack policies [--policy-pack-config <file>]` would.
// Exit 0: no mandatory policy violated; 1: one is; 2: the stack or policy config is invalid.
// Only light modules load up front: the pack starts before the SDK, the program and the gRPC stubs load.
import { budgetFromConfig, NODE_BUDGET_POLICY } from "../../policies/lib/budget-config";
import type { AnalyzedResource, Diagnostic, PolicyRun } from "../harness/analyzer";
import { EXIT, main, readStack, runStack, takePlaceholderFlag, UsageError } from "../harness/cli";
import { PolicyConfigRejected, type RunningPack, startPolicyPack } from "../harness/pack-process";
import { type PolicyConfig, PolicyConfigError, readPolicyConfigFile } from "../harness/policy-config";
import type { ProgramRun } from "../harness/program";
import type { K8sObject } from "../../model/k8s";
import { appImageReport, buildPlan, type Plan, type PolicySummary, type Violation } from "../capacity/build-plan";
import { pendingAcknowledgements, renderChangesMarkdown, renderChangesText } from "./changes-report";
import type { Change } from "./replacements";
import { renderMarkdown, renderText } from "./report";
import type { StackFile } from "../harness/stackfile";

const USAGE =
  "usage: npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>] [--placeholder-secrets] [--base <render dir|git ref> [--acknowledge <Kind/name>]...]";
export const PROJECT = "rightsize";

interface Args {
  stack: string;
  format: "text" | "json" | "markdown";
  policyConfig?: string;
  placeholderSecrets: boolean;
  base?: string;
  acknowledge: string[];
}

/** Removes every `flag <value>` pair; a flag without a value is a usage error. */
function takeValues(rest: string[], flag: string): string[] {
  const values: string[] = [];
  for (let at = rest.indexOf(flag); at >= 0; at = rest.indexOf(flag)) {
    const v = rest[at + 1];
    if (!v || v.startsWith("-")) throw new UsageError(USAGE);
    values.push(v);
    rest.splice(at, 2);
  }
  return values;
}

export function parseArgs(argv: string[]): Args {
  const { rest, placeholderSecrets } = takePlaceholderFlag(argv);
  const configs = takeValues(rest, "--policy-pack-config");
  const bases = takeValues(rest, "--base");
  const acknowledge = takeValues(rest, "--acknowledge").flatMap((a) => a.split(",")).filter(Boolean);
  if (configs.length > 1 || bases.length > 1 || (acknowledge.length > 0 && bases.length === 0)) throw new UsageError(USAGE);
  const policyConfig = configs[0];
  const flags = rest.filter((a) => a.startsWith("-"));
  const args = rest.filter((a) => !a.startsWith("-"));
  const unknown = flags.filter((f) => f !== "--json" && f !== "--markdown");
  if (unknown.length > 0 || args.length !== 1 || flags.length > 1) throw new UsageError(USAGE);
  const format = flags[0] === "--json" ? "json" : flags[0] === "--markdown" ? "markdown" : "text";
  return { stack: args[0]!, format, placeholderSecrets, acknowledge, ...(policyConfig ? { policyConfig } : {}), ...(bases[0] ? { base: bases[0] } : {}) };
}

/** Every registered resource as the engine would hand it to the analyzer. */
export function analyzedResources(stack: string, run: ProgramRun): AnalyzedResource[] {
  return run.resources.map((r) => ({ urn: urnOf(stack, r.type, r.name), type: r.type, name: r.name, properties: r.inputs }));
}

/** The URN the engine would give a resource (parents are not known under mocks, so none are chained). */
export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** Diagnostics as plan's violations, naming Kubernetes objects `Kind/name` and the stack `stack <name>`. */
export function summarize(stack: string, resources: readonly AnalyzedResource[], run: PolicyRun): PolicySummary {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const label = (d: Diagnostic): string => {
    const r = byUrn.get(d.urn);
    if (!r) return `stack ${stack}`;
    const o = r.properties as { kind?: string; metadata?: { name?: string } };
    return o.kind ? `${o.kind}/${o.metadata?.name ?? r.name}` : `${r.type}::${r.name}`;
  };
  const rank = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 } as const;
  const violations: Violation[] = run.diagnostics
    .map((d) => ({ policy: d.policy, enforcementLevel: d.enforcementLevel, resource: label(d), message: d.message }))
    .sort((a, b) => rank[a.enforcementLevel] - rank[b.enforcementLevel] || a.policy.localeCompare(b.policy) || a.resource.localeCompare(b.resource));
  const results = run.policies.map((p) => ({
    name: p.name,
    enforcementLevel: run.config.get(p.name)?.enforcementLevel ?? p.enforcementLevel,
    violations: violations.filter((v) => v.policy === p.name).length,
  }));
  return { pack: run.pack, results, violations };
}

export async function plan(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const given = readGivenPolicyConfig(args.policyConfig);
  if (typeof given === "number") return given;
  // The pack boots (about a second: node, the SDK, ts-node) while the program runs under mocks.
  const pack = startPolicyPack();
  try {
    const file = readStack(args.stack, { placeholderSecrets: args.placeholderSecrets });
    if (typeof file === "number") return file;
    const planned = await planStack(pack, file, given, args.policyConfig);
    if (typeof planned === "number") return planned;
    const p = planned.plan;
    const stackFile = `Pulumi.${file.stack}.yaml`;
    const edit = args.base ? await changesAgainst(args.base, args.acknowledge, file.stack, planned.objects) : undefined;
    if (typeof edit === "number") return edit;
    if (args.format === "json") process.stdout.write(`${JSON.stringify(edit ? { ...p, changes: { base: args.base, objects: edit } } : p, null, 2)}
`);
    else if (args.format === "markdown") process.stdout.write(renderMarkdown(p, stackFile) + (edit ? renderChangesMarkdown(edit, args.base!) : ""));
    else process.stdout.write(renderText(p, stackFile) + (edit ? renderChangesText(edit, args.base!) : ""));
    const code = exitCodeOf(p);
    return code === EXIT.ok && edit && pendingAcknowledgements(edit).length > 0 ? EXIT.violation : code;
  } finally {
    pack.close();
  }
}

/** The policy config file's contents, or exit 2 with the file's problems printed. */
export function readGivenPolicyConfig(path: string | undefined): Record<string, PolicyConfig> | number {
  try {
    return path ? readPolicyConfigFile(path) : {};
  } catch (e) {
    if (!(e instanceof PolicyConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT.config;
  }
}

export const exitCodeOf = (p: Plan): number => (p.violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT.violation : EXIT.ok);

/**
 * The plan of one stack's config values: the program under mocks, then the pack over the Analyzer
 * protocol. Returns an exit code (with the problem printed) when the config or the policy config is invalid.
 * The program loads once per process, so this runs once per process.
 */
export async function planStack(
  pack: RunningPack,
  file: StackFile,
  given: Record<string, PolicyConfig>,
  policyConfigPath?: string,
): Promise<{ plan: Plan; objects: K8sObject[] } | number> {
  const loaded = await runStack(file);
  if (typeof loaded === "number") return loaded;
  const resources = analyzedResources(file.stack, loaded.run);
  const { runPolicies } = await import("../harness/analyzer");
  const { kubernetesObjects } = await import("../harness/program");
  let run: PolicyRun;
  try {
    run = await runPolicies(pack, { stack: file.stack, project: PROJECT, resources, config: given });
  } catch (e) {
    if (e instanceof PolicyConfigRejected) {
      process.stderr.write(`${policyConfigPath}: ${e.message}\n`);
      return EXIT.config;
    }
    throw e;
  }
  const summary = summarize(file.stack, resources, run);
  const pin = budgetFromConfig(run.config.get(NODE_BUDGET_POLICY)?.properties ?? {});
  const objects = kubernetesObjects(loaded.run);
  return { plan: buildPlan(file.stack, objects, summary, { appImage: appImageReport(loaded.run.resources), ...(pin ? { pin } : {}) }), objects };
}

/** The object changes from the base to this run, or the exit code when the base cannot be had. */
async function changesAgainst(base: string, acknowledge: string[], stack: string, head: K8sObject[]): Promise<Change[] | number> {
  // Loaded only with --base: render's module loads the program's.
  const { BaseError, loadBase } = await import("./base");
  const { maskSecret } = await import("../render");
  const { diffObjects, unusedAcknowledgements } = await import("./replacements");
  const { parse, stringify } = await import("yaml");
  let before: K8sObject[];
  try {
    before = loadBase(base, stack);
  } catch (e) {
    if (!(e instanceof BaseError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT.config;
  }
  // The base is a render, so this run is compared as render would write it (Secrets as placeholders).
  const now = head.map((o) => parse(stringify(maskSecret(o), { lineWidth: 0 })) as K8sObject);
  const acknowledged = new Set(acknowledge);
  const changes = diffObjects(before, now, acknowledged);
  const unused = unusedAcknowledgements(changes, acknowledged);
  if (unused.length > 0) {
    process.stderr.write(`--acknowledge ${unused.join(", ")}: no replacement or deletion of a data-bearing object by that name against ${base}\n`);
    return EXIT.config;
  }
  return changes;
}

if (require.main === module) main(plan);
