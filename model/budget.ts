// The node budget: its one validator, how the program writes it onto the ResourceQuota and the pack and
// plan read it back, and the one rule for which budget wins. Pure: no @pulumi imports, so config,
// components, the policy pack and the plan share it.
import { formatCpu, formatMemory, toBytes, toMillicores } from "./quantity";
import { type Bytes, type Millicores, bytes, millicores } from "./units";

export interface Amount {
  cpuMillis: Millicores;
  memoryBytes: Bytes;
}

/** An amount from plain numbers, branded here so callers need no casts. */
export const amount = (cpuMillis: number, memoryBytes: number): Amount => ({ cpuMillis: millicores(cpuMillis), memoryBytes: bytes(memoryBytes) });

export const ZERO: Amount = amount(0, 0);

export function add(a: Amount, b: Amount): Amount {
  return { cpuMillis: millicores(a.cpuMillis + b.cpuMillis), memoryBytes: bytes(a.memoryBytes + b.memoryBytes) };
}

export function scale(a: Amount, n: number): Amount {
  return { cpuMillis: millicores(a.cpuMillis * n), memoryBytes: bytes(a.memoryBytes * n) };
}

export function sub(a: Amount, b: Amount): Amount {
  return { cpuMillis: millicores(a.cpuMillis - b.cpuMillis), memoryBytes: bytes(a.memoryBytes - b.memoryBytes) };
}

export function fits(a: Amount, room: Amount): boolean {
  return a.cpuMillis <= room.cpuMillis && a.memoryBytes <= room.memoryBytes;
}

export interface Budget {
  nodes: number;
  /** Node size (capacity). */
  perNode: Amount;
  /** kube + system reserved + eviction threshold, per node. */
  reservedPerNode: Amount;
  /** What pods can use on one node: size - reserved. */
  allocatablePerNode: Amount;
  /** nodes x allocatablePerNode. */
  allocatable: Amount;
  maxPods: number;
}

/** The kubelet's default maxPods, when a budget does not say. */
export const DEFAULT_MAX_PODS = 110;

/** A budget as a person writes it, with quantities already parsed. */
export interface BudgetFields {
  nodes: number;
  cpu: Millicores;
  memory: Bytes;
  reserved: { cpu: Millicores; memory: Bytes };
  maxPods: number;
}
export type BudgetField = "nodes" | "cpu" | "memory" | "reserved.cpu" | "reserved.memory" | "maxPods";
export interface BudgetProblem {
  field: BudgetField;
  message: string;
  /** The offending value as written (a quantity string or a number). */
  value: string | number;
}

/**
 * The one validator, for the stack's nodeBudget, the policy config's pin and the quota's annotations
 * alike; each caller names the fields its own way (a config path, a policy config key, an annotation).
 */
export function budgetProblems(b: BudgetFields): BudgetProblem[] {
  const out: BudgetProblem[] = [];
  for (const field of ["nodes", "maxPods"] as const) {
    if (!Number.isInteger(b[field]) || b[field] < 1) out.push({ field, message: "must be a positive whole number", value: b[field] });
  }
  if (b.cpu <= 0) out.push({ field: "cpu", message: "node CPU must be positive", value: formatCpu(b.cpu) });
  if (b.memory <= 0) out.push({ field: "memory", message: "node memory must be positive", value: formatMemory(b.memory) });
  if (b.cpu > 0 && b.reserved.cpu >= b.cpu) {
    out.push({ field: "reserved.cpu", message: `reserve must be smaller than the node's cpu ${formatCpu(b.cpu)}`, value: formatCpu(b.reserved.cpu) });
  }
  if (b.memory > 0 && b.reserved.memory >= b.memory) {
    out.push({ field: "reserved.memory", message: `reserve must be smaller than the node's memory ${formatMemory(b.memory)}`, value: formatMemory(b.reserved.memory) });
  }
  return out;
}

/** The budget from validated fields. */
export function budgetOf(b: BudgetFields): Budget {
  return makeBudget({
    nodes: b.nodes,
    maxPods: b.maxPods,
    perNode: { cpuMillis: b.cpu, memoryBytes: b.memory },
    reservedPerNode: { cpuMillis: b.reserved.cpu, memoryBytes: b.reserved.memory },
  });
}

export function makeBudget(b: { nodes: number; perNode: Amount; reservedPerNode: Amount; maxPods: number }): Budget {
  const per = sub(b.perNode, b.reservedPerNode);
  return { ...b, allocatablePerNode: per, allocatable: scale(per, b.nodes) };
}

export const BUDGET_ANNOTATION = {
  nodes: "rightsize.io/budget-nodes",
  nodeCpu: "rightsize.io/budget-node-cpu",
  nodeMemory: "rightsize.io/budget-node-memory",
  reservedCpu: "rightsize.io/budget-reserved-cpu",
  reservedMemory: "rightsize.io/budget-reserved-memory",
  maxPods: "rightsize.io/budget-max-pods",
} as const;

/** The ResourceQuota's name: the budget is read back from it. */
export const BUDGET_QUOTA_NAME = "rightsize-node-budget";

export function budgetAnnotations(b: Budget): Record<string, string> {
  return {
    [BUDGET_ANNOTATION.nodes]: String(b.nodes),
    [BUDGET_ANNOTATION.nodeCpu]: formatCpu(b.perNode.cpuMillis),
    [BUDGET_ANNOTATION.nodeMemory]: formatMemory(b.perNode.memoryBytes),
    [BUDGET_ANNOTATION.reservedCpu]: formatCpu(b.reservedPerNode.cpuMillis),
    [BUDGET_ANNOTATION.reservedMemory]: formatMemory(b.reservedPerNode.memoryBytes),
    [BUDGET_ANNOTATION.maxPods]: String(b.maxPods),
  };
}

/** The quota's hard limits: requests may not exceed the allocatable total, nor pods nodes x maxPods. */
export function budgetQuotaHard(b: Budget): Record<string, string> {
  return {
    "requests.cpu": formatCpu(b.allocatable.cpuMillis),
    "requests.memory": formatMemory(b.allocatable.memoryBytes),
    pods: String(b.nodes * b.maxPods),
  };
}

/** Reads the budget back from a ResourceQuota's annotations; the reason when it cannot. */
export function budgetFromAnnotations(annotations: Record<string, unknown> | undefined): Budget | string {
  if (!annotations) return "the ResourceQuota has no budget annotations";
  const get = (k: string) => annotations[k];
  const missing = Object.values(BUDGET_ANNOTATION).filter((k) => typeof get(k) !== "string");
  if (missing.length > 0) return `the ResourceQuota lacks ${missing.join(", ")}`;
  let fields: BudgetFields;
  try {
    fields = {
      nodes: Number(get(BUDGET_ANNOTATION.nodes)),
      maxPods: Number(get(BUDGET_ANNOTATION.maxPods)),
      cpu: toMillicores(get(BUDGET_ANNOTATION.nodeCpu) as string),
      memory: toBytes(get(BUDGET_ANNOTATION.nodeMemory) as string),
      reserved: { cpu: toMillicores(get(BUDGET_ANNOTATION.reservedCpu) as string), memory: toBytes(get(BUDGET_ANNOTATION.reservedMemory) as string) },
    };
  } catch (e) {
    return `the budget annotations do not parse: ${(e as Error).message}`;
  }
  const annotation: Record<BudgetField, string> = {
    nodes: BUDGET_ANNOTATION.nodes,
    maxPods: BUDGET_ANNOTATION.maxPods,
    cpu: BUDGET_ANNOTATION.nodeCpu,
    memory: BUDGET_ANNOTATION.nodeMemory,
    "reserved.cpu": BUDGET_ANNOTATION.reservedCpu,
    "reserved.memory": BUDGET_ANNOTATION.reservedMemory,
  };
  const problems = budgetProblems(fields);
  // Show the annotation as written: a count that is not a number is NaN, which JSON would show as null.
  if (problems.length > 0) return problems.map((p) => `${annotation[p.field]} ${p.message} (got ${JSON.stringify(get(annotation[p.field]))})`).join("; ");
  return budgetOf(fields);
}

/** A budget and where it came from, or why there is none to check against. */
export type BudgetChoice = { budget: Budget; from: string } | { error: string };

/**
 * Which budget wins, the one precedence rule: the policy config's pin first (a platform team pins it
 * per environment, so a pull request that edits nodeBudget cannot raise its own budget), else the
 * program's ResourceQuota, else none. `pin` and `quota` are undefined when there is none, a string when
 * there is one that cannot be read.
 */
export function chooseBudget(pin: Budget | string | undefined, quota: Budget | string | undefined): BudgetChoice | undefined {
  if (typeof pin === "string") return { error: pin };
  if (pin) return { budget: pin, from: "policy config" };
  if (typeof quota === "string") return { error: quota };
  if (quota) return { budget: quota, from: `ResourceQuota ${BUDGET_QUOTA_NAME}` };
  return undefined;
}
