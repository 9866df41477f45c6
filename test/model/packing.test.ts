// First-fit decreasing, checked placement by placement. (test/model/reservations.test.ts covers packing
// fed from rendered objects; here the workloads are written directly.)
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { add, amount, type Amount, fits, makeBudget, sub, ZERO } from "../../model/budget";
import { pack, UNPLACED } from "../../model/packing";
import type { Workload } from "../../model/reservations";
import type { WorkloadKind } from "../../model/k8s";

const Gi = 1024 ** 3;

function workload(name: string, replicas: number, cpu: number, memory: number, over: Partial<Workload> = {}): Workload {
  const req = amount(cpu, memory);
  return { name, kind: "Deployment", component: "x", replicas, maxReplicas: replicas, podRequests: req, podLimits: req, surgePods: 0, spreadRequired: false, tuning: {}, object: {}, ...over };
}

/** Nodes of 4 CPU and 8Gi allocatable. */
const budget = (nodes: number, maxPods = 110) => makeBudget({ nodes, maxPods, perNode: amount(4000, 8 * Gi), reservedPerNode: ZERO });

describe("pack", () => {
  it("places the largest dominant share first, on the first node with room", () => {
    // Shares of one node: a 0.75 (CPU), c 0.625 (memory), b 0.25 (memory).
    const p = pack([workload("b", 2, 500, 2 * Gi), workload("a", 2, 3000, 1 * Gi), workload("c", 1, 500, 5 * Gi)], budget(2));
    expect(p).toEqual({
      fits: true,
      unplaced: [],
      nodes: [
        { pods: ["a-0", "c-0", "b-0"], used: amount(4000, 8 * Gi), free: amount(0, 0) },
        { pods: ["a-1", "b-1"], used: amount(3500, 3 * Gi), free: amount(500, 5 * Gi) },
      ],
    });
  });

  it("breaks ties by workload name, then replica number as a number (web-10 after web-9)", () => {
    const p = pack([workload("web", 11, 10, 1024), workload("api", 1, 10, 1024)], budget(1));
    expect(p.nodes[0]!.pods).toEqual(["api-0", "web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7", "web-8", "web-9", "web-10"]);
  });

  it("places nothing and fits when there is nothing to place", () => {
    expect(pack([], budget(2))).toEqual({ fits: true, unplaced: [], nodes: [0, 1].map(() => ({ pods: [], used: ZERO, free: amount(4000, 8 * Gi) })) });
    expect(pack([workload("off", 0, 100, 1024)], budget(1)).nodes[0]!.pods).toEqual([]);
  });

  it("takes a pod of exactly one node's allocatable, and not one millicore or byte more", () => {
    expect(pack([workload("whole", 1, 4000, 8 * Gi)], budget(1))).toMatchObject({ fits: true, unplaced: [] });
    expect(pack([workload("cpu", 1, 4001, 1024), workload("mem", 1, 100, 8 * Gi + 1)], budget(2)).unplaced).toEqual([
      { pod: "cpu-0", reason: "larger than one node's allocatable" },
      { pod: "mem-0", reason: "larger than one node's allocatable" },
    ]);
  });

  it("says no node has room when the fragments do not add up to a pod", () => {
    const p = pack([workload("a", 3, 2500, Gi)], budget(2));
    expect(p.fits).toBe(false);
    expect(p.unplaced).toEqual([{ pod: "a-2", reason: UNPLACED.full }]);
    expect(UNPLACED.full).toBe("no node has room left");
  });

  it("puts a DaemonSet's pod i on node i, before any other pod, and never elsewhere", () => {
    const ds = workload("agent", 2, 100, 64 * 1024 ** 2, { kind: "DaemonSet" });
    const p = pack([workload("app", 1, 3900, Gi), ds], budget(2));
    expect(p.nodes.map((n) => n.pods)).toEqual([["agent-0", "app-0"], ["agent-1"]]);
    // A second DaemonSet that no longer fits beside the first is not moved to another node.
    const q = pack([workload("big", 2, 3000, Gi, { kind: "DaemonSet" }), workload("small", 2, 1500, Gi, { kind: "DaemonSet" })], budget(2));
    expect(q.nodes.map((n) => n.pods)).toEqual([["big-0"], ["big-1"]]);
    expect(q.unplaced).toEqual([
      { pod: "small-0", reason: UNPLACED.full },
      { pod: "small-1", reason: UNPLACED.full },
    ]);
  });

  it("keeps replicas with required anti-affinity one per node", () => {
    const p = pack([workload("pg", 3, 100, Gi, { spreadRequired: true })], budget(2));
    expect(p.nodes.map((n) => n.pods)).toEqual([["pg-0"], ["pg-1"]]);
    expect(p.unplaced).toEqual([{ pod: "pg-2", reason: "no node left without a replica of it (required anti-affinity)" }]);
    // Two spread workloads may share a node: the rule is per workload.
    expect(pack([workload("a", 2, 100, Gi, { spreadRequired: true }), workload("b", 2, 100, Gi, { spreadRequired: true })], budget(2)).fits).toBe(true);
  });

  it("blames anti-affinity only where a node had room", () => {
    // Node 0 holds spread-0 and is full; node 1 holds spread-1 and has room: spread-2 is kept out by the rule.
    const p = pack([workload("spread", 3, 2000, Gi, { spreadRequired: true }), workload("fill", 1, 2000, Gi)], budget(2));
    expect(p.nodes.map((n) => n.pods)).toEqual([["fill-0", "spread-0"], ["spread-1"]]);
    expect(p.unplaced).toEqual([{ pod: "spread-2", reason: UNPLACED.spread }]);
  });

  it("stops at maxPods per node: at the limit everything fits, one more does not", () => {
    expect(pack([workload("a", 2, 10, 1024)], budget(1, 2)).fits).toBe(true);
    expect(pack([workload("a", 3, 10, 1024)], budget(1, 2)).unplaced).toEqual([{ pod: "a-2", reason: "every node with room for it already runs maxPods pods" }]);
    // maxPods counts on every node: a second node takes the overflow.
    expect(pack([workload("a", 3, 10, 1024)], budget(2, 2)).nodes.map((n) => n.pods)).toEqual([["a-0", "a-1"], ["a-2"]]);
  });
});

describe("pack, for any workloads", () => {
  const workloads = fc.array(
    fc.record({
      replicas: fc.integer({ min: 0, max: 6 }),
      cpu: fc.integer({ min: 0, max: 5000 }),
      memory: fc.integer({ min: 0, max: 10 * Gi }),
      spread: fc.boolean(),
      daemon: fc.boolean(),
    }),
    { maxLength: 6 },
  );

  it("places each pod once, within every node's allocatable and maxPods, and says why each other pod is left out", () => {
    fc.assert(
      fc.property(workloads, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 8 }), (spec, nodes, maxPods) => {
        const b = budget(nodes, maxPods);
        const ws = spec.map((s, i) =>
          workload(`w${i}`, s.daemon ? nodes : s.replicas, s.cpu, s.memory, { spreadRequired: s.spread, kind: (s.daemon ? "DaemonSet" : "Deployment") as WorkloadKind }),
        );
        const byName = new Map<string, { w: Workload; replica: number }>();
        for (const w of ws) for (let r = 0; r < w.maxReplicas; r++) byName.set(`${w.name}-${r}`, { w, replica: r });
        const p = pack(ws, b);
        const placed = p.nodes.flatMap((n) => n.pods);
        expect([...placed, ...p.unplaced.map((u) => u.pod)].sort()).toEqual([...byName.keys()].sort());
        expect(p.fits).toBe(p.unplaced.length === 0);
        p.nodes.forEach((n, i) => {
          const used = n.pods.reduce((s: Amount, name) => add(s, byName.get(name)!.w.podRequests), ZERO);
          expect(n.used).toEqual(used);
          expect(n.free).toEqual(sub(b.allocatablePerNode, used));
          expect(fits(used, b.allocatablePerNode)).toBe(true);
          expect(n.pods.length).toBeLessThanOrEqual(maxPods);
          const spreadOwners = n.pods.map((name) => byName.get(name)!.w).filter((w) => w.spreadRequired).map((w) => w.name);
          expect(new Set(spreadOwners).size).toBe(spreadOwners.length);
          for (const name of n.pods) {
            const { w, replica } = byName.get(name)!;
            if (w.kind === "DaemonSet") expect(replica).toBe(i);
          }
        });
        for (const u of p.unplaced) {
          const { w, replica } = byName.get(u.pod)!;
          if (u.reason === UNPLACED.tooBig) expect(fits(w.podRequests, b.allocatablePerNode)).toBe(false);
          else expect(fits(w.podRequests, b.allocatablePerNode)).toBe(true);
          // Nodes only fill up, so "no room" then is "no room" at the end.
          if (u.reason === UNPLACED.full) {
            const eligible = w.kind === "DaemonSet" ? [replica] : p.nodes.map((_, i) => i);
            for (const i of eligible) expect(fits(w.podRequests, p.nodes[i]!.free)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
