// cluster/test.js and cluster/external.ts: the `--kubeconfig` mode's checks before the cluster suite
// starts (no cluster needed), and the comparison of a foreign cluster's nodes with a stack. In the unit
// suite, not test/cluster/ (that folder is the cluster suite, run by npm run test:cluster only).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalProblem, type KNode, type KPod, nodeRoom, nodesVerdict, quantity, unplaced } from "../../cluster/external";
import { unusedPort } from "../real/support";
import { ROOT } from "../helpers/run";

const dir = mkdtempSync(join(tmpdir(), "rightsize-cluster-cli-"));
const kubeconfig = (server: string, contexts = ["kind-rightsize-dev"]) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${server}"}\ncontexts:\n${contexts.map((c) => `- name: ${c}\n  context: {cluster: c, user: u}\n`).join("")}users:\n- name: u\n  user: {}\n`;

/** A folder holding executables of these names (each exits 0), to stand for a PATH. */
function binDir(name: string, tools: string[]): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const t of tools) {
    writeFileSync(join(d, t), "#!/bin/sh\nexit 0\n");
    chmodSync(join(d, t), 0o755);
  }
  return d;
}

function testJs(args: string[], path: string) {
  const r = spawnSync(process.execPath, [join(ROOT, "cluster", "test.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: path }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run test:cluster -- --kubeconfig FILE --context NAME: what it refuses before the suite starts", () => {
  let server: Server;
  let live = "";
  let dead = "";
  const both = binDir("both", ["pulumi", "kubectl"]);
  beforeAll(async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    live = join(dir, "live.yaml");
    writeFileSync(live, kubeconfig(`https://127.0.0.1:${port}`));
    dead = join(dir, "dead.yaml");
    writeFileSync(dead, kubeconfig(`https://127.0.0.1:${await unusedPort()}`));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Exit 2 and exactly one line on stderr, which is `expected`; no stack trace, and vitest never started. */
  function refused(r: ReturnType<typeof testJs>, expected: string | RegExp) {
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(r.stdout).toBe("");
  }

  it("a missing kubeconfig file", () => {
    refused(testJs(["--kubeconfig", join(dir, "absent.yaml"), "--context", "x"], both), `test:cluster: --kubeconfig ${join(dir, "absent.yaml")}: no such file`);
  });

  it("a context the kubeconfig does not have, naming the ones it has", () => {
    refused(testJs(["--kubeconfig", live, "--context", "prod-cluster"], both), `test:cluster: --context prod-cluster: no such context in ${live} (its contexts: kind-rightsize-dev)`);
  });

  it("no pulumi on PATH", () => {
    refused(testJs(["--kubeconfig", live, "--context", "kind-rightsize-dev"], binDir("kubectl-only", ["kubectl"])), /^test:cluster: no pulumi on PATH: the --kubeconfig mode runs the Pulumi CLI found on PATH/);
  });

  it("no kubectl on PATH", () => {
    refused(testJs([`--kubeconfig=${live}`, "--context=kind-rightsize-dev"], binDir("pulumi-only", ["pulumi"])), /^test:cluster: no kubectl on PATH/);
  });

  it("a server that does not answer, naming the context, its server and why", () => {
    const r = testJs(["--kubeconfig", dead, "--context", "kind-rightsize-dev"], both);
    refused(r, /^test:cluster: --context kind-rightsize-dev: its server https:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)$/);
  });

  it("--kubeconfig without --context, and a flag without its value", () => {
    refused(testJs(["--kubeconfig", live], both), "test:cluster: --kubeconfig needs --context NAME too (the context the stacks are pointed at)");
    refused(testJs(["--context", "x"], both), "test:cluster: --context needs --kubeconfig FILE too");
    refused(testJs(["--kubeconfig", live, "--context"], both), "test:cluster: --context needs a value");
  });

  it("a kubeconfig that is not YAML", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "clusters: [\n");
    refused(testJs(["--kubeconfig", bad, "--context", "x"], both), new RegExp(`^test:cluster: --kubeconfig ${bad}: not valid YAML: `));
  });

  it("passes a kubeconfig whose context's server answers, with pulumi and kubectl on PATH", async () => {
    expect(await externalProblem(live, "kind-rightsize-dev", both)).toBeUndefined();
  });
});

describe("a foreign cluster's nodes against a stack", () => {
  const GI = 1024 ** 3;
  const node = (name: string, cpu: string, memory: string, extra: Partial<KNode["spec"]> = {}, ready = "True"): KNode => ({
    metadata: { name },
    spec: extra,
    status: { allocatable: { cpu, memory }, conditions: [{ type: "Ready", status: ready }] },
  });
  const pod = (nodeName: string, cpu: string, memory: string, phase = "Running"): KPod => ({ spec: { nodeName, containers: [{ resources: { requests: { cpu, memory } } }] }, status: { phase } });

  it("reads Kubernetes quantities", () => {
    expect(quantity("1500m")).toBe(1.5);
    expect(quantity("4")).toBe(4);
    expect(quantity("16Gi")).toBe(16 * GI);
    expect(quantity("1e3")).toBe(1000);
    expect(() => quantity("lots")).toThrow('not a Kubernetes quantity: "lots"');
  });

  it("counts only Ready, schedulable, untainted nodes, less what their running pods request", () => {
    const room = nodeRoom(
      [node("a", "4", "16Gi"), node("cordoned", "4", "16Gi", { unschedulable: true }), node("tainted", "4", "16Gi", { taints: [{ key: "k", effect: "NoSchedule" }] }), node("notready", "4", "16Gi", {}, "False")],
      [pod("a", "1500m", "2Gi"), pod("a", "1", "1Gi", "Succeeded")],
    );
    expect(room).toEqual([{ name: "a", allocatable: { cpuMillis: 4000, memoryBytes: 16 * GI }, free: { cpuMillis: 2500, memoryBytes: 14 * GI } }]);
  });

  it("names the pods no node has room for (largest first, first fit, CPU and memory both)", () => {
    const room = nodeRoom([node("a", "2", "4Gi"), node("b", "1", "8Gi")], []);
    const ask = (name: string, cpuMillis: number, gi: number) => ({ name, requests: { cpuMillis, memoryBytes: gi * GI } });
    expect(unplaced(room, [ask("web-0", 1500, 2), ask("web-1", 1500, 2), ask("beat-0", 500, 6)])).toEqual(["web-1"]);
    expect(unplaced(room, [ask("big-0", 1000, 9)])).toEqual(["big-0"]);
    expect(unplaced(room, [ask("web-0", 1000, 1), ask("worker-0", 1000, 1), ask("beat-0", 1000, 1)])).toEqual([]);
  });

  it("compares the nodes with the nodeBudget in a note, and refuses a cluster too small for the pods at rest", () => {
    const budget = { nodes: 1, allocatablePerNode: { cpuMillis: 3000, memoryBytes: 6 * GI } };
    const small = nodeRoom([node("tiny", "1", "2Gi")], []);
    const v = nodesVerdict("kind-x", "dev", small, [{ name: "postgres-0", requests: { cpuMillis: 500, memoryBytes: 3 * GI } }], budget);
    expect(v.note).toBe(
      "context kind-x has 1 Ready schedulable node(s), free tiny 1000m/2.0Gi; dev's nodeBudget is 1 x 3000m/6.0Gi allocatable. The suite cannot size a cluster's nodes it did not make: the budget policy's verdicts are checked against npm run plan, and the scheduler comparison runs only on the built control plane.",
    );
    expect(v.problem).toMatch(/^context kind-x cannot hold dev's pods at rest: postgres-0 find no node with room \(1 Ready schedulable node\(s\), free tiny 1000m\/2\.0Gi\); pulumi up would wait/);
    expect(nodesVerdict("kind-x", "dev", nodeRoom([node("big", "8", "32Gi")], []), [{ name: "postgres-0", requests: { cpuMillis: 500, memoryBytes: 3 * GI } }], budget).problem).toBeUndefined();
    expect(nodesVerdict("kind-x", "dev", [], [{ name: "web-0", requests: { cpuMillis: 1, memoryBytes: 1 } }], budget).problem).toMatch(/web-0 find no node with room \(no Ready schedulable node\)/);
  });
});

describe("node cluster/up.js: its arguments, refused before anything starts", () => {
  const up = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "cluster", "up.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

  it.each([
    [[], "cluster/up.js: --kubeconfig FILE is required (where to write the cluster's kubeconfig)"],
    [["--kubeconfig", "/tmp/x", "--nodes", "0"], 'cluster/up.js: --nodes must be a positive whole number, got "0"'],
    [["--kubeconfig", "/tmp/x", "--memory", "lots"], 'cluster/up.js: --memory must be a positive Kubernetes quantity, got "lots"'],
    [["--kubeconfig", "/tmp/x", "--cpus", "4"], "cluster/up.js: unknown argument --cpus"],
    [["--kubeconfig"], "cluster/up.js: --kubeconfig needs a value"],
  ])("%j: exit 2, one line", (args, line) => {
    const r = up(args as string[]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd()).toBe(line);
  });
});
