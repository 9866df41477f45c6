// The node budget, as the program writes it onto the ResourceQuota and as the pack and plan read it back.
// Pure: no @pulumi imports, so components, the policy pack and the plan share it.
import { formatCpu, formatMemory, toBytes, toMillicores } from "./quantity";
import { type Bytes, type Millicores, bytes, millicores } from "./units";

export interface Amount {
  cpuMillis: Millicores;
  memoryBytes: Bytes;
}

export const ZERO: Amount = { cpuMillis: millicores(0), memoryBytes: bytes(0) };

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

/** Reads the budget back from a ResourceQuota's annotations; undefined with the reason when it cannot. */
export function budgetFromAnnotations(annotations: Record<string, unknown> | undefined): Budget | string {
  if (!annotations) return "the ResourceQuota has no budget annotations";
  const get = (k: string) => annotations[k];
  const missing = Object.values(BUDGET_ANNOTATION).filter((k) => typeof get(k) !== "string");
  if (missing.length > 0) return `the ResourceQuota lacks ${missing.join(", ")}`;
  try {
    const nodes = Number(get(BUDGET_ANNOTATION.nodes));
    const maxPods = Number(get(BUDGET_ANNOTATION.maxPods));
    if (!Number.isInteger(nodes) || nodes < 1) return `${BUDGET_ANNOTATION.nodes} is not a positive whole number`;
    if (!Number.isInteger(maxPods) || maxPods < 1) return `${BUDGET_ANNOTATION.maxPods} is not a positive whole number`;
    return makeBudget({
      nodes,
      maxPods,
      perNode: { cpuMillis: toMillicores(get(BUDGET_ANNOTATION.nodeCpu) as string), memoryBytes: toBytes(get(BUDGET_ANNOTATION.nodeMemory) as string) },
      reservedPerNode: {
        cpuMillis: toMillicores(get(BUDGET_ANNOTATION.reservedCpu) as string),
        memoryBytes: toBytes(get(BUDGET_ANNOTATION.reservedMemory) as string),
      },
    });
  } catch (e) {
    return `the budget annotations do not parse: ${(e as Error).message}`;
  }
}
