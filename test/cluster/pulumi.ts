// The real Pulumi CLI on a copy of the project: a file:// backend and the passphrase secrets provider in
// a temporary folder, update checks and plugin downloads off, the Kubernetes provider installed as the
// plugin of the version @pulumi/kubernetes asks for. The checkout is never written: `pulumi config set`
// and `stack init` edit the copy's stack files.
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ROOT } from "../helpers/run";
import type { Ran } from "./kube";

export interface PulumiEnv {
  /** The project copy, where pulumi runs. */
  project: string;
  env: NodeJS.ProcessEnv;
  pulumi: string;
}

const SKIP = new Set(["node_modules", ".git", "bin", "out"]);

export interface PulumiOptions {
  /** Folder holding `pulumi` and `pulumi-language-nodejs`. */
  pulumiBin: string;
  /** The provider binary, or undefined to use whatever plugin the PULUMI_HOME given has (an official CLI). */
  provider?: { binary: string; version: string };
  kubeconfig: string;
  dir: string;
}

export function pulumiProject(o: PulumiOptions): PulumiEnv {
  const project = join(o.dir, "project");
  cpSync(ROOT, project, {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      const top = rel.split("/")[0] ?? "";
      if (rel === "") return true;
      if (SKIP.has(top)) return false;
      // policies/bin is the compiled pack the CLI runs; policies/node_modules is linked below
      if (rel === join("policies", "node_modules")) return false;
      return true;
    },
  });
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
  symlinkSync(join(ROOT, "policies", "node_modules"), join(project, "policies", "node_modules"));
  const home = join(o.dir, "pulumi-home");
  if (o.provider) {
    const plugin = join(home, "plugins", `resource-kubernetes-v${o.provider.version}`);
    mkdirSync(plugin, { recursive: true });
    copyFileSync(o.provider.binary, join(plugin, "pulumi-resource-kubernetes"));
    copyFileSync(join(dirname(o.provider.binary), "..", ".stamp"), join(plugin, ".rightsize-build-stamp"));
  }
  const state = join(o.dir, "state");
  mkdirSync(state, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${o.pulumiBin}:${dirname(process.execPath)}:${process.env.PATH}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "rightsize-cluster-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    KUBECONFIG: o.kubeconfig,
    // makes --event-log available: the policy events the tests compare with npm run plan's
    PULUMI_DEBUG_COMMANDS: "true",
    NODE_OPTIONS: "",
    // one place for a failing run's engine log
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
  };
  return { project, env, pulumi: join(o.pulumiBin, "pulumi") };
}

/** Runs the CLI; output is kept whole (a run's diagnostics are the test's evidence). */
export function pulumi(p: PulumiEnv, args: string[], opts: { timeoutSeconds?: number; input?: string } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(p.pulumi, [...args, "--non-interactive", "--color=never"], { cwd: p.project, env: p.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.stdin.end(opts.input ?? "");
    const timer = setTimeout(() => child.kill("SIGINT"), (opts.timeoutSeconds ?? 600) * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

export function ok(r: Ran, what: string): string {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stdout.slice(-8000)}\n${r.stderr.slice(-4000)}`);
  return r.stdout;
}

export function stackFile(p: PulumiEnv, stack: string): string {
  return readFileSync(join(p.project, `Pulumi.${stack}.yaml`), "utf8");
}

export function writeStackFile(p: PulumiEnv, stack: string, text: string): void {
  writeFileSync(join(p.project, `Pulumi.${stack}.yaml`), text);
}
