// The headline: the stack's pod reservations, at their rollout peak, fit the node budget.
// Rule 1: the peak (max replicas + every Deployment's surge) fits nodes x (node size - reserved).
// Rule 2: every pod replica packs onto the nodes, first-fit-decreasing (no pod bigger than a node,
//         required anti-affinity means one replica per node).
// Rule 3: maxPods per node holds, at rest and at the peak.
import { type Amount, type Budget, budgetFromAnnotations, BUDGET_QUOTA_NAME, chooseBudget, scale } from "../model/budget";

type Source = { budget: Budget; from: string };
import { BUDGET_CONFIG_SCHEMA, budgetFromConfig, NODE_BUDGET_POLICY } from "./lib/budget-config";
import { showCpu, showMemory } from "../model/quantity";
import { guarded, stackPolicy, type StackFinding, type StackObject } from "./lib/policy";
import { scalerFindings } from "./lib/scaler-fit";
import { pack, UNPLACED } from "../model/packing";
import { totals, type Workload, workloadsFrom } from "../model/reservations";

export const NAME = NODE_BUDGET_POLICY;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const amount = (a: Amount) => `${showCpu(a.cpuMillis)} CPU / ${showMemory(a.memoryBytes)}`;

/** The budget to check against (model/budget's one precedence rule), or why there is none. */
function budgetSource(objects: readonly StackObject[], config: Record<string, unknown>, cannot: string[]): Source | string {
  const pin = budgetFromConfig(config);
  let quota: Budget | string | undefined;
  for (const { object: o, name } of objects) {
    if (o.kind !== "ResourceQuota") continue;
    cannot.push(...guarded(o, name, () => (o.metadata?.name === BUDGET_QUOTA_NAME && (quota = budgetFromAnnotations(o.metadata?.annotations)), [])));
  }
  // An unknown quota cannot lose to nothing: without a pin, the budget is then unproven.
  if (pin === undefined && quota === undefined && cannot.length > 0) return `the node budget cannot be checked: ${cannot.join("; ")}`;
  const chosen = chooseBudget(pin, quota);
  if (!chosen) {
    return (
      `no node budget: the policy config sets none (nodes, cpu, memory, reserved) and the stack has no ResourceQuota ` +
      `${BUDGET_QUOTA_NAME} carrying the budget annotations, so nothing was checked`
    );
  }
  return "error" in chosen ? `the node budget cannot be checked: ${chosen.error}` : chosen;
}

/** Workloads with their HPAs and ScaledObjects; an object whose values are unknown is left out and named in `cannot`. */
function workloads(objects: readonly StackObject[], nodes: number, cannot: string[]): Workload[] {
  return workloadsFrom(
    objects.map((s) => s.object),
    nodes,
    (read, i) => cannot.push(...guarded(objects[i]!.object, objects[i]!.name, () => (read(), []))),
  );
}

function share(a: Amount, of: Amount): number {
  return Math.max(of.cpuMillis > 0 ? a.cpuMillis / of.cpuMillis : 0, of.memoryBytes > 0 ? a.memoryBytes / of.memoryBytes : 0);
}

/** The messages for a set of workloads against a budget: none when all three rules hold. */
export function budgetViolations(ws: readonly Workload[], src: Source): string[] {
  const b = src.budget;
  const t = totals(ws);
  const p = pack(ws, b);
  const podsAtRest = ws.reduce((n, w) => n + w.maxReplicas, 0);
  const podsAtPeak = podsAtRest + ws.reduce((n, w) => n + w.surgePods, 0);
  const podSlots = b.nodes * b.maxPods;
  const over = { cpuMillis: t.rolloutPeak.cpuMillis - b.allocatable.cpuMillis, memoryBytes: t.rolloutPeak.memoryBytes - b.allocatable.memoryBytes };
  const rule1 = over.cpuMillis > 0 || over.memoryBytes > 0;
  const unpacked = p.unplaced.filter((u) => u.reason !== UNPLACED.maxPods);
  const overMaxPods = p.unplaced.filter((u) => u.reason === UNPLACED.maxPods);
  const rule3 = podsAtPeak > podSlots || overMaxPods.length > 0;
  if (!rule1 && unpacked.length === 0 && !rule3) return [];

  const failed: string[] = [];
  if (rule1) failed.push("rule 1: the rollout peak exceeds the allocatable total");
  if (unpacked.length > 0) failed.push(`rule 2: ${plural(unpacked.length, "pod")} cannot be packed onto ${plural(b.nodes, "node")}`);
  if (rule3) {
    failed.push(
      podsAtPeak > podSlots
        ? `rule 3: ${podsAtPeak} pods at the rollout peak exceed maxPods ${b.maxPods} x ${plural(b.nodes, "node")} = ${podSlots}`
        : `rule 3: ${plural(overMaxPods.length, "pod")} find no node under maxPods ${b.maxPods}`,
    );
  }
  const lines = [
    `The stack does not fit its node budget (${failed.join("; ")}).`,
    `Budget (from ${src.from}): ${plural(b.nodes, "node")} of ${amount(b.perNode)}, reserved ${amount(b.reservedPerNode)} each: ` +
      `allocatable ${amount(b.allocatable)}, at most ${b.maxPods} pods per node.`,
    `Requests at rest: ${amount(t.requests)} in ${plural(podsAtRest, "pod")}; at the rollout peak: ${amount(t.rolloutPeak)} in ${plural(podsAtPeak, "pod")}.`,
  ];
  if (rule1) {
    const parts = [over.cpuMillis > 0 ? `${showCpu(over.cpuMillis)} CPU` : "", over.memoryBytes > 0 ? `${showMemory(over.memoryBytes)} memory` : ""];
    lines.push(`Over by ${parts.filter(Boolean).join(" and ")} at the rollout peak.`);
  }
  if (p.unplaced.length > 0) {
    const shown = p.unplaced.slice(0, 5).map((u) => `${u.pod} (${u.reason})`);
    const more = p.unplaced.length > 5 ? `, and ${p.unplaced.length - 5} more` : "";
    lines.push(`Unschedulable: ${shown.join(", ")}${more}.`);
  }
  const consumers = ws
    .map((w) => ({ w, pods: w.maxReplicas + w.surgePods, total: scale(w.podRequests, w.maxReplicas + w.surgePods) }))
    .sort((x, y) => share(y.total, b.allocatable) - share(x.total, b.allocatable) || (x.w.name < y.w.name ? -1 : 1))
    .slice(0, 5)
    .map(({ w, pods, total }) => `${w.kind} ${w.name} ${pods} x ${amount(w.podRequests)} = ${amount(total)}`);
  lines.push(`Biggest consumers at the peak: ${consumers.join("; ")}.`);
  return [lines.join("\n")];
}

export function checkNodeBudget(objects: readonly StackObject[], config: Record<string, unknown>): StackFinding[] {
  const cannot: string[] = [];
  const src = budgetSource(objects, config, cannot);
  if (typeof src === "string") return [{ message: src }];
  const ws = workloads(objects, src.budget.nodes, cannot);
  const findings: StackFinding[] = budgetViolations(ws, src).map((message) => ({ message }));
  // An autoscaler whose max alone breaks the budget is named on itself, with the max that fits.
  if (findings.length > 0) findings.push(...scalerFindings(ws, objects, (x) => budgetViolations(x, src).length === 0));
  if (cannot.length > 0) {
    findings.push({
      message: `The node budget is not proven: ${plural(cannot.length, "object")} could not be counted: ${cannot.join("; ")}`,
    });
  }
  return findings;
}

export const enforceNodeBudget = stackPolicy({
  name: NAME,
  description: "The stack's pod reservations, at their rollout peak, fit the node budget and pack onto its nodes.",
  enforcementLevel: "mandatory",
  configSchema: BUDGET_CONFIG_SCHEMA,
  check: checkNodeBudget,
});
