// First-fit-decreasing bin packing of every pod replica onto the budget's nodes. Totals can fit while
// the pods do not: a pod larger than one node never schedules, and required anti-affinity caps a
// workload at one pod per node.
import { type Amount, type Budget, add, fits, sub, ZERO } from "./budget";
import type { Workload } from "./reservations";

export interface PackedNode {
  used: Amount;
  free: Amount;
  pods: string[];
}

export interface Packing {
  fits: boolean;
  nodes: PackedNode[];
  /** Pods that could not be placed, with the reason. */
  unplaced: { pod: string; reason: string }[];
}

interface Pod {
  name: string;
  workload: string;
  req: Amount;
  spread: boolean;
  /** DaemonSet pods go to a given node. */
  node?: number;
}

function size(req: Amount, per: Amount): number {
  // Dominant share: the larger fraction of one node this pod takes.
  return Math.max(per.cpuMillis > 0 ? req.cpuMillis / per.cpuMillis : 0, per.memoryBytes > 0 ? req.memoryBytes / per.memoryBytes : 0);
}

export function pack(ws: readonly Workload[], budget: Budget): Packing {
  const per = budget.allocatablePerNode;
  const nodes: PackedNode[] = Array.from({ length: budget.nodes }, () => ({ used: ZERO, free: per, pods: [] }));
  const pods: Pod[] = [];
  for (const w of ws) {
    for (let i = 0; i < w.maxReplicas; i++) {
      pods.push({
        name: `${w.name}-${i}`,
        workload: w.name,
        req: w.podRequests,
        spread: w.spreadRequired,
        ...(w.kind === "DaemonSet" ? { node: i } : {}),
      });
    }
  }
  // DaemonSet pods first (they have no choice), then the biggest first; names break ties so the
  // result is deterministic.
  pods.sort((a, b) => Number(b.node !== undefined) - Number(a.node !== undefined) || size(b.req, per) - size(a.req, per) || a.name.localeCompare(b.name));
  const unplaced: Packing["unplaced"] = [];
  for (const p of pods) {
    if (!fits(p.req, per)) {
      unplaced.push({ pod: p.name, reason: "larger than one node's allocatable" });
      continue;
    }
    const candidates = p.node !== undefined ? [p.node] : nodes.map((_, i) => i);
    const at = candidates.find((i) => {
      const n = nodes[i]!;
      if (!fits(p.req, n.free)) return false;
      if (n.pods.length >= budget.maxPods) return false;
      if (p.spread && n.pods.some((q) => q.startsWith(`${p.workload}-`) && q.slice(p.workload.length + 1).match(/^\d+$/))) return false;
      return true;
    });
    if (at === undefined) {
      unplaced.push({ pod: p.name, reason: p.spread ? "no node left without a replica of it (required anti-affinity)" : "no node has room left" });
      continue;
    }
    const n = nodes[at]!;
    n.used = add(n.used, p.req);
    n.free = sub(per, n.used);
    n.pods.push(p.name);
  }
  return { fits: unplaced.length === 0, nodes, unplaced };
}
