// The cluster a test file runs on: the from-source control plane on 127.0.0.1 (how CI gets one), or an
// existing cluster given as `npm run test:cluster -- --kubeconfig FILE --context NAME` (kind, k3d, a real
// one) with the official CLI on PATH. Also the plan JSON the tests compare the real CLI against.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { REGISTER, ROOT } from "../helpers/run";
import { type KNode, type KPod, nodeRoom, nodesVerdict, onPath } from "../../cluster/external";
import { IN_CI } from "../real/support";
import { kubernetesPluginVersion, missingBinaries, pieces } from "./bins";
import { type ControlPlane, removeDir, startControlPlane } from "./controlplane";
import { applyKedaCrds, claimsOf, Kube, type KObject, type PlanBudget } from "./kube";
import { type PulumiEnv, pulumi, pulumiProject } from "./pulumi";

export interface TestCluster {
  external: boolean;
  /**
   * The Kubernetes plugin the CLI runs is the one cluster/build.sh built (its folder holds the build's
   * stamp), whose version predates pulumi-kubernetes#4328; an official plugin does not have the stamp.
   */
  fromSourceProvider: boolean;
  kube: Kube;
  /** The context to name in `kubernetes:context`. */
  context: string;
  project: PulumiEnv;
  dir: string;
  logs(): string;
  stop(): Promise<void>;
}

/** Why the suite cannot run here, or undefined. Under CI a missing build fails the suite instead. */
export function unavailable(opts: { pulumi?: boolean } = {}): string | undefined {
  if (process.env.RIGHTSIZE_KUBECONFIG) return undefined;
  const p = pieces();
  const cli = opts.pulumi === false ? [] : [join(p.pulumi, "bin", "pulumi"), join(p.pulumi, "bin", "pulumi-language-nodejs"), join(p.pulumiKubernetes, "bin", "pulumi-resource-kubernetes")];
  const missing = missingBinaries([
    join(p.etcd, "bin", "etcd"),
    join(p.kubernetes, "bin", "kube-apiserver"),
    join(p.kubernetes, "bin", "kube-controller-manager"),
    join(p.kubernetes, "bin", "kube-scheduler"),
    join(p.kubernetes, "bin", "kubectl"),
    join(p.kwok, "bin", "kwok"),
    ...cli,
  ]);
  if (missing.length === 0) return undefined;
  const msg = `cluster suite: not built: ${missing.join(" ")}; run: bash cluster/build.sh`;
  if (IN_CI) throw new Error(msg);
  return msg;
}

export async function testCluster(name: string, opts: { pulumi?: boolean } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), `rightsize-cluster-${name}-`));
  const external = process.env.RIGHTSIZE_KUBECONFIG;
  if (external) {
    const context = process.env.RIGHTSIZE_KUBE_CONTEXT ?? "";
    // cluster/test.js checked that both are on PATH
    const cli = onPath("pulumi", process.env.PATH) as string;
    const project = pulumiProject({ pulumiBin: dirname(cli), kubeconfig: external, dir });
    // an official CLI downloads and finds its own plugins
    project.env.PULUMI_HOME = process.env.PULUMI_HOME ?? join(process.env.HOME ?? dir, ".pulumi");
    delete project.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
    const kube = new Kube(onPath("kubectl", process.env.PATH) as string, external, context);
    const version = spawnSync(cli, ["version"], { encoding: "utf8", env: project.env }).stdout.trim();
    const fromSourceProvider = existsSync(join(project.env.PULUMI_HOME, "plugins", `resource-kubernetes-v${kubernetesPluginVersion()}`, ".rightsize-build-stamp"));
    console.log(`--kubeconfig mode (${name}): context ${context} in ${external}, ${cli} ${version}, kubectl ${kube.kubectl}, PULUMI_HOME ${project.env.PULUMI_HOME}${fromSourceProvider ? " (its kubernetes plugin is the one cluster/build.sh built)" : ""}`);
    return { external: true, fromSourceProvider, kube, context, project, dir, logs: () => "", stop: async () => removeDir(dir) };
  }
  const p = pieces();
  let cp: ControlPlane | undefined;
  try {
    cp = await startControlPlane(p, join(dir, "cluster"));
    const kube = new Kube(join(p.kubernetes, "bin", "kubectl"), cp.kubeconfig, cp.context);
    applyKedaCrds(kube);
    const project = pulumiProject({
      pulumiBin: join(p.pulumi, "bin"),
      provider: opts.pulumi === false ? undefined : { binary: join(p.pulumiKubernetes, "bin", "pulumi-resource-kubernetes"), version: kubernetesPluginVersion() },
      kubeconfig: cp.kubeconfig,
      dir,
    });
    const plane = cp;
    return {
      external: false,
      fromSourceProvider: opts.pulumi !== false,
      kube,
      context: cp.context,
      project,
      dir,
      logs: () => plane.logs(),
      async stop() {
        await plane.stop();
        removeDir(dir);
      },
    };
  } catch (e) {
    await cp?.stop();
    removeDir(dir);
    throw e;
  }
}

export interface PlanJson {
  stack: string;
  budget: PlanBudget;
  workloads: Array<{ name: string; kind: string; replicas: number; maxReplicas: number; podRequests: { cpuMillis: number; memoryBytes: number }; tuning: Record<string, unknown> }>;
  totals: { requests: { cpuMillis: number; memoryBytes: number }; rolloutPeak: { cpuMillis: number; memoryBytes: number } };
  packing: { fits: boolean; nodes: Array<{ pods: string[] }>; unplaced?: string[] };
  violations: Array<{ policy: string; enforcementLevel: string; resource: string; message: string }>;
}

/** `npm run plan -- <stack> --json` in a folder holding the stack file (the project copy, or a stack folder). */
export function planJson(cwd: string, stack: string, extra: string[] = []): { code: number; plan: PlanJson; stderr: string } {
  const r = spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "plan", "index.ts"), stack, "--json", ...extra], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 180_000,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`plan ${stack} exited ${r.status}: ${r.stderr}\n${r.stdout}`);
  return { code: r.status, plan: JSON.parse(r.stdout) as PlanJson, stderr: r.stderr };
}

/** `npm run render -- <stack> --out DIR` in `cwd`, kept (a `plan --base` folder). */
export function renderTo(cwd: string, stack: string, out: string, extra: string[] = []): void {
  const r = spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "render", "index.ts"), stack, "--out", out, ...extra], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, timeout: 180_000 });
  if (r.status !== 0) throw new Error(`render ${stack} exited ${r.status}: ${r.stderr}`);
}

/** `npm run render -- <stack> --out DIR` in `cwd`: the objects the program registers (secret values are placeholders). */
export function renderObjects(cwd: string, stack: string, extra: string[] = []): KObject[] {
  const out = mkdtempSync(join(tmpdir(), `rightsize-cluster-render-${stack}-`));
  try {
    const r = spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "render", "index.ts"), stack, "--out", out, ...extra], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, timeout: 180_000 });
    if (r.status !== 0) throw new Error(`render ${stack} exited ${r.status}: ${r.stderr}`);
    const { readdirSync, readFileSync } = require("node:fs") as typeof import("node:fs");
    return readdirSync(out)
      .sort()
      .map((f) => parse(readFileSync(join(out, f), "utf8")) as KObject);
  } finally {
    removeDir(out);
  }
}

export function exists(path: string): boolean {
  return existsSync(path);
}

/**
 * Before a stack is deployed on a cluster the suite did not make (`--kubeconfig`): its namespace must not
 * exist yet (the suite destroys what it deploys), the cluster must serve every kind the stack renders (prod's
 * ScaledObject needs KEDA's CRDs), its claims need a StorageClass that exists (or a default one), and its
 * nodes must have room for the stack's pods at rest. Prints how the nodes compare with the stack's
 * nodeBudget, and throws one message listing every problem, so a cluster that cannot work fails here, by
 * name, instead of in the provider's ten-minute await.
 */
export function checkExternalCluster(c: TestCluster, stack: string, plan: PlanJson, objects: KObject[]): void {
  const problems: string[] = [];
  const ns = objects.find((o) => o.kind === "Namespace")?.metadata.name;
  if (ns && c.kube.run(["get", "namespace", ns, "-o", "name"]).code === 0) {
    problems.push(`namespace ${ns} already exists on context ${c.context}: the suite deploys ${stack} there and destroys it afterwards; delete it first (kubectl delete namespace ${ns}) or use another cluster`);
  }
  const served = new Map<string, Set<string> | undefined>();
  for (const o of objects) {
    const apiVersion = o.apiVersion ?? "v1";
    if (!served.has(apiVersion)) {
      const r = c.kube.run(["get", "--raw", apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`]);
      served.set(apiVersion, r.code === 0 ? new Set((JSON.parse(r.stdout) as { resources: Array<{ kind: string }> }).resources.map((x) => x.kind)) : undefined);
    }
    if (!served.get(apiVersion)?.has(o.kind as string)) {
      const hint = apiVersion.startsWith("keda.sh/") ? ": install KEDA (at least its CRDs) first" : "";
      const p = `${stack} renders ${o.kind} (${apiVersion}), which context ${c.context} does not serve${hint}`;
      if (!problems.includes(p)) problems.push(p);
    }
  }
  const claims = ns ? claimsOf(objects, ns) : [];
  if (claims.length > 0) {
    const classes = c.kube.json<{ items: Array<{ metadata: { name: string; annotations?: Record<string, string> } }> }>(["get", "storageclasses"]).items;
    const hasDefault = classes.some((sc) => sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    const unnamed = claims.filter((k) => k.storageClassName === undefined).map((k) => k.name);
    if (unnamed.length > 0 && !hasDefault) problems.push(`context ${c.context} has no default StorageClass, and ${stack}'s claims ${unnamed.join(", ")} name none: nothing would bind them (kind and k3d ship one)`);
    for (const k of claims.filter((x) => x.storageClassName && !classes.some((sc) => sc.metadata.name === x.storageClassName))) {
      problems.push(`${stack}'s claim ${k.name} asks for StorageClass ${k.storageClassName}, which context ${c.context} does not have`);
    }
  }
  const room = nodeRoom(c.kube.json<{ items: KNode[] }>(["get", "nodes"]).items, c.kube.json<{ items: KPod[] }>(["get", "pods", "--all-namespaces"]).items);
  const asks = plan.workloads.flatMap((w) => Array.from({ length: w.replicas }, (_, i) => ({ name: `${w.name}-${i}`, requests: w.podRequests })));
  const verdict = nodesVerdict(c.context, stack, room, asks, plan.budget);
  console.log(verdict.note);
  if (verdict.problem) problems.push(verdict.problem);
  if (problems.length > 0) throw new Error(`--kubeconfig: the cluster cannot take ${stack}:\n- ${problems.join("\n- ")}`);
}

/**
 * After the tests on a cluster the suite did not make: `pulumi destroy` for each stack that still has
 * resources (a test that failed half way leaves them), then waits until the stacks' namespaces are gone,
 * so the next file (and the next run) starts on a clean cluster.
 */
export async function cleanUpExternal(c: TestCluster, stacks: string[], namespaces: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const stack of stacks) {
    const r = await pulumi(c.project, ["destroy", "-s", stack, "--yes"], { timeoutSeconds: 600 });
    if (r.code !== 0 && !/no stack named/i.test(r.stderr)) left.push(`pulumi destroy -s ${stack} failed (${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  for (const ns of namespaces) {
    const r = c.kube.run(["wait", "--for=delete", `namespace/${ns}`, "--timeout=180s"]);
    if (r.code !== 0 && !/not found/i.test(r.stderr)) left.push(`namespace ${ns} still there after 180 s: ${r.stderr.trim()}`);
  }
  return left;
}
