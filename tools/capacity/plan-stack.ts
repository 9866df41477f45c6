// The plan of one stack's config values, as `pulumi preview --policy-pack policies` would judge it: the
// program under mocks, then the real pack over the Analyzer protocol. plan prints it; recommend plans
// the current and the proposed stack with it. Returns values, throws typed errors (an InputError for a
// wrong stack or policy config); it prints nothing.
// Only light modules load up front: the SDK, the program and the gRPC stubs load on the first call.
import { BUDGET_CONFIG_SCHEMA, budgetFromConfig, NODE_BUDGET_POLICY } from "../../policies/lib/budget-config";
import type { K8sObject } from "../../model/k8s";
import type { AnalyzedResource, Diagnostic, PolicyRun } from "../harness/analyzer";
import { InputError } from "../harness/errors";
import { PolicyConfigRejected, type RunningPack } from "../harness/pack-process";
import { type PolicyConfig, PolicyConfigError, readPolicyConfigFile, validate } from "../harness/policy-config";
import type { ProgramLoader, ProgramRun } from "../harness/program";
import { runStack } from "../harness/run-stack";
import type { StackFile } from "../harness/stackfile";
import { appImageReport, buildPlan, type Plan, type PolicySummary, type Violation } from "./build-plan";

export const PROJECT = "rightsize";

/** The policy config given does not match a policy's schema, as the pack judged it. */
export class PolicyConfigInvalid extends InputError {}

export interface PlannedStack {
  plan: Plan;
  /** The Kubernetes objects the program registered, as it built them. */
  objects: K8sObject[];
}

export interface PlanOptions {
  /** Where the policy config came from, to name it in an error. */
  policyConfigPath?: string;
  /** How the program's module is loaded (see ProgramLoader); the default requires index.ts. */
  load?: ProgramLoader;
}

/**
 * The policy config file plan and recommend are given (`{}` without one), read before the program or the
 * pack starts. Throws PolicyConfigError naming the file: unreadable, not JSON, a key given twice, a name
 * the pack does not have, or a budget pin that cannot be a budget. A pin that fails the policy's schema is
 * left to the pack's schema check, which names it (PolicyConfigInvalid from planStack).
 */
export function readGivenPolicyConfig(path: string | undefined): Record<string, PolicyConfig> {
  if (!path) return {};
  const given = readPolicyConfigFile(path);
  // A pin that cannot be a budget is the file's mistake (exit 2), not a violation by the stack (exit 1).
  const pinned = given[NODE_BUDGET_POLICY]?.properties ?? {};
  const pin = validate({ type: "object", properties: BUDGET_CONFIG_SCHEMA.properties }, pinned, "").length === 0 ? budgetFromConfig(pinned) : undefined;
  if (typeof pin === "string") throw new PolicyConfigError(`${path}: ${NODE_BUDGET_POLICY}: ${pin}`);
  return given;
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

/** Whether a mandatory policy is violated: `pulumi preview` would refuse the stack. */
export const violatesMandatory = (p: Plan): boolean => p.violations.some((v) => v.enforcementLevel === "mandatory");

/**
 * The plan of one stack's config values. Throws StackConfigInvalid for an invalid stack config and
 * PolicyConfigInvalid when the pack rejects the policy config. Pulumi's runtime state is global, so
 * calls happen one at a time.
 */
export async function planStack(pack: RunningPack, file: StackFile, given: Record<string, PolicyConfig>, opts: PlanOptions = {}): Promise<PlannedStack> {
  const run = await runStack(file, opts.load);
  const resources = analyzedResources(file.stack, run);
  const { runPolicies } = await import("../harness/analyzer");
  const { kubernetesObjects } = await import("../harness/program");
  let policies: PolicyRun;
  try {
    policies = await runPolicies(pack, { stack: file.stack, project: PROJECT, resources, config: given });
  } catch (e) {
    if (e instanceof PolicyConfigRejected) throw new PolicyConfigInvalid(`${opts.policyConfigPath}: ${e.message}`);
    throw e;
  }
  const summary = summarize(file.stack, resources, policies);
  const pin = budgetFromConfig(policies.config.get(NODE_BUDGET_POLICY)?.properties ?? {});
  const objects = kubernetesObjects(run);
  return { plan: buildPlan(file.stack, objects, summary, { appImage: appImageReport(run.resources), ...(pin ? { pin } : {}) }), objects };
}
