// Shared by the limits suite: cgroups are required (a missing one fails with its reason, never skips),
// stacks rendered as the render command writes them (edited copies too), and the rendered workloads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { detectHierarchy } from "../../tools/limits/cgroup";
import { missingPackages, TOOLS } from "../../tools/limits/software";
import { renderedWorkloads, type RenderedWorkload } from "../../tools/limits/workload";
import type { K8sObject } from "../../model/k8s";
import { REGISTER, ROOT, runTool, stackDir } from "../helpers/run";

/** Throws the reason when this machine cannot run the limits suite: no writable cgroup, or a package missing. */
export function requireLimitsHost(): void {
  detectHierarchy();
  const missing = missingPackages([TOOLS.postgres, TOOLS.initdb, TOOLS.psql, TOOLS.pgbench, TOOLS.redisServer, TOOLS.redisCli, TOOLS.redisBenchmark, TOOLS.gunicorn, TOOLS.python, TOOLS.chromium], {
    celery: "python3-celery",
    redis: "python3-redis",
    flask: "python3-flask",
  });
  if (missing.length > 0) throw new Error(`the limits suite needs Debian packages: ${missing.join(" ")}; install with: sudo apt-get install -y ${missing.join(" ")}`);
}

/** `npm run limits -- <stack> --json` as a user runs it. */
export function runLimitsCommand(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "limits", "index.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 470_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The shipped stack file with `edit` applied to its `rightsize:` values, rendered by the render command. */
export function renderEdited(stack: string, edit: (values: Record<string, any>) => void): RenderedWorkload[] {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
  const values: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config)) if (k.startsWith("rightsize:")) values[k.slice("rightsize:".length)] = v;
  edit(values);
  for (const [k, v] of Object.entries(values)) doc.config[`rightsize:${k}`] = v;
  const dir = stackDir(stack, stringify(doc));
  const out = mkdtempSync(join(tmpdir(), "rightsize-limits-render-"));
  const r = runTool("render", [stack, "--out", out], dir);
  if (r.code !== 0) throw new Error(`render of the edited ${stack} stack failed (${r.code}): ${r.stderr}`);
  const objects = readdirSync(out).map((f) => parse(readFileSync(join(out, f), "utf8")) as K8sObject);
  return renderedWorkloads(objects);
}

export function workload(ws: readonly RenderedWorkload[], name: string): RenderedWorkload {
  const w = ws.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name} (have ${ws.map((x) => x.name).join(", ")})`);
  return w;
}
