// `npm run test:cluster -- --kubeconfig FILE --context NAME`: the checks made before the suite starts on a
// cluster it did not make (kind, k3d, a real one), each a one-line answer naming the thing; and the
// comparison of that cluster's nodes with what a stack asks, which the suite cannot resize.
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { parse } from "yaml";

/** The first executable `name` on `path` (a PATH string), or undefined. */
export function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    const f = join(dir, name);
    try {
      if (statSync(f).isFile()) {
        accessSync(f, constants.X_OK);
        return f;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

interface KubeconfigDoc {
  clusters?: Array<{ name?: unknown; cluster?: { server?: unknown } }>;
  contexts?: Array<{ name?: unknown; context?: { cluster?: unknown } }>;
}

/** The server URL of `context` in a kubeconfig's text, or the problem with finding it. */
export function contextServer(text: string, file: string, context: string): { server: string } | { problem: string } {
  let doc: KubeconfigDoc;
  try {
    doc = (parse(text) ?? {}) as KubeconfigDoc;
  } catch (e) {
    return { problem: `--kubeconfig ${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}` };
  }
  const contexts = Array.isArray(doc.contexts) ? doc.contexts : [];
  const names = contexts.map((c) => String(c?.name));
  const ctx = contexts.find((c) => c?.name === context);
  if (!ctx) return { problem: `--context ${context}: no such context in ${file} (its contexts: ${names.join(", ") || "none"})` };
  const clusterName = ctx.context?.cluster;
  const cluster = (Array.isArray(doc.clusters) ? doc.clusters : []).find((c) => c?.name === clusterName);
  const server = cluster?.cluster?.server;
  if (typeof server !== "string" || server === "") return { problem: `--context ${context}: its cluster ${JSON.stringify(clusterName)} has no server in ${file}` };
  return { server };
}

/** Whether a TCP connection to the server's host and port opens within `ms`; the error's message if not. */
export function reach(server: string, ms = 5000): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return Promise.resolve(`not a URL`);
  }
  const port = Number(url.port || (url.protocol === "http:" ? 80 : 443));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (why: string | undefined) => {
      s.destroy();
      resolve(why);
    };
    s.setTimeout(ms, () => done(`no answer in ${ms / 1000} s`));
    s.once("connect", () => done(undefined));
    s.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/**
 * Why the suite cannot start on this kubeconfig and context, or undefined: the file, the context, the
 * `pulumi` and `kubectl` the suite runs (from PATH), and the context's server answering on its port.
 */
export async function externalProblem(kubeconfig: string, context: string, path: string | undefined): Promise<string | undefined> {
  if (!existsSync(kubeconfig)) return `--kubeconfig ${kubeconfig}: no such file`;
  let text: string;
  try {
    text = readFileSync(kubeconfig, "utf8");
  } catch (e) {
    return `--kubeconfig ${kubeconfig}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const found = contextServer(text, kubeconfig, context);
  if ("problem" in found) return found.problem;
  if (!onPath("pulumi", path)) return "no pulumi on PATH: the --kubeconfig mode runs the Pulumi CLI found on PATH (install it: https://www.pulumi.com/docs/install/)";
  if (!onPath("kubectl", path)) return "no kubectl on PATH: the --kubeconfig mode reads the cluster back with the kubectl found on PATH";
  const why = await reach(found.server);
  if (why) return `--context ${context}: its server ${found.server} is unreachable (${why})`;
  return undefined;
}

// ---- the cluster's nodes against a stack ----

export interface Resources {
  cpuMillis: number;
  memoryBytes: number;
}

export interface NodeRoom {
  name: string;
  /** Allocatable less what the pods already on the node request. */
  free: Resources;
  allocatable: Resources;
}

export interface PodAsk {
  name: string;
  requests: Resources;
}

const SUFFIX: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, m: 1e-3 };

/** A Kubernetes quantity ("1500m", "2", "16Gi", "1e3") as a number of units (cores or bytes). */
export function quantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === "number") return q;
  const m = /^([0-9.]+(?:[eE][-+]?[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  return Number(m[1]) * (SUFFIX[m[2] ?? ""] as number);
}

export interface KNode {
  metadata: { name: string };
  spec?: { unschedulable?: boolean; taints?: Array<{ effect: string; key: string }> };
  status?: { allocatable?: Record<string, string>; conditions?: Array<{ type: string; status: string }> };
}
type KContainer = { resources?: { requests?: Record<string, string> } };
export interface KPod {
  spec?: { nodeName?: string; containers?: KContainer[]; initContainers?: KContainer[] };
  status?: { phase?: string };
}

/** Ready, schedulable nodes without a NoSchedule/NoExecute taint, with the room the running pods leave. */
export function nodeRoom(nodes: KNode[], pods: KPod[]): NodeRoom[] {
  const used = new Map<string, Resources>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
    const u = used.get(node) ?? { cpuMillis: 0, memoryBytes: 0 };
    // a pod's request is its containers' sum, or its largest init container's if that is more
    const sum = (cs: KContainer[] | undefined) => (cs ?? []).reduce((a, c) => ({ cpuMillis: a.cpuMillis + quantity(c.resources?.requests?.cpu) * 1000, memoryBytes: a.memoryBytes + quantity(c.resources?.requests?.memory) }), { cpuMillis: 0, memoryBytes: 0 });
    const main = sum(p.spec?.containers);
    const init = (p.spec?.initContainers ?? []).map((c) => sum([c]));
    u.cpuMillis += Math.max(main.cpuMillis, ...init.map((i) => i.cpuMillis));
    u.memoryBytes += Math.max(main.memoryBytes, ...init.map((i) => i.memoryBytes));
    used.set(node, u);
  }
  return nodes
    .filter((n) => !n.spec?.unschedulable)
    .filter((n) => !(n.spec?.taints ?? []).some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"))
    .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
    .map((n) => {
      const allocatable = { cpuMillis: Math.round(quantity(n.status?.allocatable?.cpu) * 1000), memoryBytes: quantity(n.status?.allocatable?.memory) };
      const u = used.get(n.metadata.name) ?? { cpuMillis: 0, memoryBytes: 0 };
      return { name: n.metadata.name, allocatable, free: { cpuMillis: allocatable.cpuMillis - u.cpuMillis, memoryBytes: allocatable.memoryBytes - u.memoryBytes } };
    });
}

/**
 * The pods (largest CPU first, first fit) that find no node with room for both their CPU and memory:
 * an estimate of what the scheduler will leave Pending (it ignores affinity and spread rules).
 */
export function unplaced(room: NodeRoom[], asks: PodAsk[]): string[] {
  const free = room.map((r) => ({ ...r.free }));
  const out: string[] = [];
  for (const p of [...asks].sort((a, b) => b.requests.cpuMillis - a.requests.cpuMillis || b.requests.memoryBytes - a.requests.memoryBytes)) {
    const n = free.find((f) => f.cpuMillis >= p.requests.cpuMillis && f.memoryBytes >= p.requests.memoryBytes);
    if (!n) {
      out.push(p.name);
      continue;
    }
    n.cpuMillis -= p.requests.cpuMillis;
    n.memoryBytes -= p.requests.memoryBytes;
  }
  return out;
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)}Gi`;
export const describeRoom = (r: Resources) => `${r.cpuMillis}m/${gib(r.memoryBytes)}`;

/**
 * What the suite says about a foreign cluster's nodes for a stack: one line comparing them with the stack's
 * nodeBudget, and a problem when the stack's pods at rest cannot all be placed on the room they have.
 */
export function nodesVerdict(
  context: string,
  stack: string,
  room: NodeRoom[],
  asks: PodAsk[],
  budget: { nodes: number; allocatablePerNode: Resources },
): { note: string; problem?: string } {
  const nodes = room.length === 0 ? "no Ready schedulable node" : `${room.length} Ready schedulable node(s), free ${room.map((r) => `${r.name} ${describeRoom(r.free)}`).join(", ")}`;
  const note = `context ${context} has ${nodes}; ${stack}'s nodeBudget is ${budget.nodes} x ${describeRoom(budget.allocatablePerNode)} allocatable. The suite cannot size a cluster's nodes it did not make: the budget policy's verdicts are checked against npm run plan, and the scheduler comparison runs only on the built control plane.`;
  const left = unplaced(room, asks);
  if (left.length === 0) return { note };
  return {
    note,
    problem: `context ${context} cannot hold ${stack}'s pods at rest: ${left.join(", ")} find no node with room (${nodes}); pulumi up would wait for them until the provider's timeout. Use a cluster with more room, or a stack with a smaller footprint.`,
  };
}
