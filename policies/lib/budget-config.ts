// The node budget as policy config (`--policy-pack-config`): a platform team pins it per environment, so a
// pull request that edits the stack's nodeBudget cannot raise its own budget.
import type { PolicyConfigSchema } from "@pulumi/policy";
import { QuantityError, toBytes, toMillicores } from "../../model/quantity";
import { type Budget, budgetOf, type BudgetFields, budgetProblems, DEFAULT_MAX_PODS } from "../../model/budget";
import { bytes, millicores } from "../../model/units";

/** The headline policy's name, here so that the plan can name it without loading the policy SDK. */
export const NODE_BUDGET_POLICY = "rightsize-enforce-node-budget";

export const BUDGET_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    nodes: { type: "integer", minimum: 1, description: "How many nodes the stack may use. Setting it overrides the budget the program writes." },
    cpu: { type: "string", description: 'One node\'s CPU, a Kubernetes quantity such as "4" or "3500m".' },
    memory: { type: "string", description: 'One node\'s memory, a Kubernetes quantity such as "16Gi".' },
    reserved: {
      type: "object",
      description: "Per node: kube-reserved + system-reserved + the eviction threshold.",
      properties: { cpu: { type: "string" }, memory: { type: "string" } },
      required: ["cpu", "memory"],
      additionalProperties: false,
    },
    maxPods: { type: "integer", minimum: 1, default: DEFAULT_MAX_PODS, description: "Pods per node (the kubelet's maxPods)." },
  },
};

const OVERRIDE_KEYS = ["nodes", "cpu", "memory", "reserved"] as const;

function quantity(key: string, v: unknown, kind: "cpu" | "memory"): number | string {
  try {
    return kind === "cpu" ? toMillicores(String(v)) : toBytes(String(v));
  } catch (e) {
    if (e instanceof QuantityError) return `${key}: ${e.message}`;
    throw e;
  }
}

/** The budget the policy config pins; undefined when it pins none; a message when it is incomplete or wrong. */
export function budgetFromConfig(cfg: Record<string, unknown>): Budget | string | undefined {
  const given = OVERRIDE_KEYS.filter((k) => cfg[k] !== undefined);
  if (given.length === 0) return undefined;
  const missing = OVERRIDE_KEYS.filter((k) => cfg[k] === undefined);
  if (missing.length > 0) return `the policy config sets ${given.join(", ")} but not ${missing.join(", ")}; a budget needs all four`;
  const reserved = (cfg.reserved ?? {}) as Record<string, unknown>;
  const parts = [
    quantity("cpu", cfg.cpu, "cpu"),
    quantity("memory", cfg.memory, "memory"),
    quantity("reserved.cpu", reserved.cpu, "cpu"),
    quantity("reserved.memory", reserved.memory, "memory"),
  ];
  const errors = parts.filter((p): p is string => typeof p === "string");
  if (errors.length > 0) return `the policy config's budget is invalid: ${errors.join("; ")}`;
  const [cpu, memory, rcpu, rmem] = parts as number[];
  const fields: BudgetFields = {
    nodes: Number(cfg.nodes),
    maxPods: Number(cfg.maxPods ?? DEFAULT_MAX_PODS),
    cpu: millicores(cpu!),
    memory: bytes(memory!),
    reserved: { cpu: millicores(rcpu!), memory: bytes(rmem!) },
  };
  const problems = budgetProblems(fields);
  if (problems.length > 0) {
    return `the policy config's budget is invalid: ${problems.map((p) => `${p.field}: ${p.message} (got ${JSON.stringify(p.field === "nodes" || p.field === "maxPods" ? cfg[p.field] : p.value)})`).join("; ")}`;
  }
  return budgetOf(fields);
}
