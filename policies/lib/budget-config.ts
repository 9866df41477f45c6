// The node budget as policy config (`--policy-pack-config`): a platform team pins it per environment, so a
// pull request that edits the stack's nodeBudget cannot raise its own budget.
import type { PolicyConfigSchema } from "@pulumi/policy";
import { QuantityError, toBytes, toMillicores } from "../../model/quantity";
import { type Budget, makeBudget } from "../../model/budget";

/** The headline policy's name, here so that the plan can name it without loading the policy SDK. */
export const NODE_BUDGET_POLICY = "rightsize-enforce-node-budget";

export const DEFAULT_MAX_PODS = 110;

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
export function budgetFromConfig(cfg: Record<string, unknown>): { budget: Budget } | { error: string } | undefined {
  const given = OVERRIDE_KEYS.filter((k) => cfg[k] !== undefined);
  if (given.length === 0) return undefined;
  const missing = OVERRIDE_KEYS.filter((k) => cfg[k] === undefined);
  if (missing.length > 0) return { error: `the policy config sets ${given.join(", ")} but not ${missing.join(", ")}; a budget needs all four` };
  const reserved = (cfg.reserved ?? {}) as Record<string, unknown>;
  const parts = [
    quantity("cpu", cfg.cpu, "cpu"),
    quantity("memory", cfg.memory, "memory"),
    quantity("reserved.cpu", reserved.cpu, "cpu"),
    quantity("reserved.memory", reserved.memory, "memory"),
  ];
  const errors = parts.filter((p): p is string => typeof p === "string");
  if (errors.length > 0) return { error: `the policy config's budget is invalid: ${errors.join("; ")}` };
  const [cpu, memory, rcpu, rmem] = parts as number[];
  const nodes = Number(cfg.nodes);
  const maxPods = Number(cfg.maxPods ?? DEFAULT_MAX_PODS);
  if (!Number.isInteger(nodes) || nodes < 1) return { error: `the policy config's budget is invalid: nodes: ${JSON.stringify(cfg.nodes)} is not a positive whole number` };
  if (!Number.isInteger(maxPods) || maxPods < 1) return { error: `the policy config's budget is invalid: maxPods: ${JSON.stringify(cfg.maxPods)} is not a positive whole number` };
  if (rcpu! >= cpu! || rmem! >= memory!) return { error: "the policy config's budget is invalid: reserved must be smaller than the node" };
  return {
    budget: makeBudget({
      nodes,
      maxPods,
      perNode: { cpuMillis: cpu, memoryBytes: memory } as Budget["perNode"],
      reservedPerNode: { cpuMillis: rcpu, memoryBytes: rmem } as Budget["perNode"],
    }),
  };
}
