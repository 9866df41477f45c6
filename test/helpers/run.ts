// Stack files for tests, and running a tools/ command as a user would, in a child process. Spawn only
// where the process boundary is what is tested (exit codes, the printed streams); everything else calls
// the library in process (test/helpers/plan.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

/** A shipped stack file's text. */
export const shippedStack = (stack: "dev" | "prod"): string => readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8");

/** A temporary folder holding one stack file, to run a tool on an edited copy of a stack. */
export function stackDir(name: string, yamlText: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rightsize-stack-"));
  writeFileSync(join(dir, `Pulumi.${name}.yaml`), yamlText);
  return dir;
}

/** A text with each `[from, to]` replaced once; a `from` that is not there fails, so an edit never silently misses. */
export function edited(text: string, edits: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [from, to] of edits) {
    if (!out.includes(from)) throw new Error(`the stack file has no ${JSON.stringify(from)} to edit`);
    out = out.replace(from, to);
  }
  return out;
}
