// Runs a tools/ command as a user would, in a child process (the program can load once per process).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The hook `npm run plan` uses, by absolute path, so a child started in a temporary folder still finds it. */
export const REGISTER = join(ROOT, "tools", "harness", "register.js");

/**
 * The shipped Pulumi.prod.yaml sets no credentials (each deployment sets its own), so, as CI does, the
 * tools run with placeholders for missing ones; `placeholderSecrets: false` shows the error users get.
 */
export function runTool(tool: "plan" | "render" | "recommend", args: string[], cwd = ROOT, opts: { placeholderSecrets?: boolean } = {}): Ran {
  const flag = opts.placeholderSecrets === false ? [] : ["--placeholder-secrets"];
  const r = spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", tool, "index.ts"), ...args, ...flag], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder holding one stack file, to run a tool on an edited copy of a stack. */
export function stackDir(name: string, yamlText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rightsize-stack-"));
  writeFileSync(join(dir, `Pulumi.${name}.yaml`), yamlText);
  return dir;
}
