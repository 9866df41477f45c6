// First-fit-decreasing bin packing of every pod replica onto the budget's nodes. Totals can fit while
// the pods do not: a pod larger than one node never schedules, and required anti-affinity caps a
// workload at one pod per node.
import { bytes, millicores } from "./units";
import { type Amount, type Budget, fits, sub } from "./budget";
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
  /** Index of the workload in the input, for the anti-affinity check. */
  workload: number;
  workloadName: string;
  replica: number;
  req: Amount;
  /** Dominant share of one node, the sort key. */
  size: number;
  spread: boolean;
  /** DaemonSet pods go to a given node. */
  node?: number;
}

function size(req: Amount, per: Amount): number {
  // Dominant share: the larger fraction of one node this pod takes.
  return Math.max(per.cpuMillis > 0 ? req.cpuMillis / per.cpuMillis : 0, per.memoryBytes > 0 ? req.memoryBytes / per.memoryBytes : 0);
}

export const UNPLACED = {
  tooBig: "larger than one node's allocatable",
  spread: "no node left without a replica of it (required anti-affinity)",
  maxPods: "every node with room for it already runs maxPods pods",
  full: "no node has room left",
} as const;

/** O(pods x nodes): each pod scans the nodes once, with no allocation per step. */
export function pack(ws: readonly Workload[], budget: Budget): Packing {
  const per = budget.allocatablePerNode;
  const n = budget.nodes;
  const usedCpu = new Float64Array(n);
  const usedMem = new Float64Array(n);
  const count = new Uint32Array(n);
  const names: string[][] = Array.from({ length: n }, () => []);
  // Which spread workloads each node already runs (only those need the check).
  const spreadOn: Set<number>[] = Array.from({ length: n }, () => new Set());
  const pods: Pod[] = [];
  ws.forEach((w, wi) => {
    const s = size(w.podRequests, per);
    for (let i = 0; i < w.maxReplicas; i++) {
      pods.push({
        name: `${w.name}-${i}`,
        workload: wi,
        workloadName: w.name,
        replica: i,
        req: w.podRequests,
        size: s,
        spread: w.spreadRequired,
        ...(w.kind === "DaemonSet" ? { node: i } : {}),
      });
    }
  });
  // DaemonSet pods first (they have no choice), then the biggest first; workload name and replica
  // number break ties, so the result is deterministic and web-10 comes after web-9.
  pods.sort(
    (a, b) =>
      Number(b.node !== undefined) - Number(a.node !== undefined) ||
      b.size - a.size ||
      (a.workloadName < b.workloadName ? -1 : a.workloadName > b.workloadName ? 1 : 0) ||
      a.replica - b.replica,
  );
  const unplaced: Packing["unplaced"] = [];
  for (const p of pods) {
    if (!fits(p.req, per)) {
      unplaced.push({ pod: p.name, reason: UNPLACED.tooBig });
      continue;
    }
    let at = -1;
    let blockedBySpread = false;
    let blockedByMaxPods = false;
    const from = p.node ?? 0;
    const to = p.node !== undefined ? Math.min(p.node + 1, n) : n;
    for (let i = from; i < to; i++) {
      if (usedCpu[i]! + p.req.cpuMillis > per.cpuMillis || usedMem[i]! + p.req.memoryBytes > per.memoryBytes) continue;
      if (p.spread && spreadOn[i]!.has(p.workload)) {
        blockedBySpread = true;
        continue;
      }
      if (count[i]! >= budget.maxPods) {
        blockedByMaxPods = true;
        continue;
      }
      at = i;
      break;
    }
    if (at < 0) {
      unplaced.push({ pod: p.name, reason: blockedBySpread ? UNPLACED.spread : blockedByMaxPods ? UNPLACED.maxPods : UNPLACED.full });
      continue;
    }
    usedCpu[at]! += p.req.cpuMillis;
    usedMem[at]! += p.req.memoryBytes;
    count[at]! += 1;
    names[at]!.push(p.name);
    if (p.spread) spreadOn[at]!.add(p.workload);
  }
  const nodes: PackedNode[] = names.map((pods, i) => {
    const used: Amount = { cpuMillis: millicores(usedCpu[i]!), memoryBytes: bytes(usedMem[i]!) };
    return { used, free: sub(per, used), pods };
  });
  return { fits: unplaced.length === 0, nodes, unplaced };
}
