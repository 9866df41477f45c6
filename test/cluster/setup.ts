// The cluster a test file runs on: the from-source control plane on 127.0.0.1 (how CI gets one), or an
// existing cluster given as `npm run test:cluster -- --kubeconfig FILE --context NAME` (kind, k3d, a real
// one) with the official CLI on PATH. Also the plan JSON the tests compare the real CLI against.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { REGISTER, ROOT } from "../helpers/run";
import { IN_CI } from "../real/support";
import { kubernetesPluginVersion, missingBinaries, pieces } from "./bins";
import { type ControlPlane, removeDir, startControlPlane } from "./controlplane";
import { applyKedaCrds, Kube, type KObject, type PlanBudget } from "./kube";
import { type PulumiEnv, pulumiProject } from "./pulumi";

export interface TestCluster {
  external: boolean;
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
    const whichPulumi = spawnSync("bash", ["-c", "dirname \"$(command -v pulumi)\""], { encoding: "utf8" }).stdout.trim();
    const project = pulumiProject({ pulumiBin: whichPulumi, kubeconfig: external, dir });
    // an official CLI downloads and finds its own plugins
    project.env.PULUMI_HOME = process.env.PULUMI_HOME ?? join(process.env.HOME ?? dir, ".pulumi");
    delete project.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
    const kube = new Kube("kubectl", external, context);
    return { external: true, kube, context, project, dir, logs: () => "", stop: async () => removeDir(dir) };
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
