// The objects a stack rendered before: from a folder `npm run render` wrote, or from a git ref, by
// rendering that commit's program with that commit's stack file. The ref is exported with `git archive`
// into a temporary folder (no worktree, no checkout: the repository is left as it is) and rendered there
// with this checkout's node_modules, in a child process, as a user would run it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { readUserFile } from "../../config/paths";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { K8sObject } from "../../model/k8s";
import { InputError } from "../harness/errors";

export class BaseError extends InputError {}

const ROOT = join(__dirname, "..", "..");

/** Every object in a render folder (`<kind>-<name>.yaml`, one object each). */
export function readRenderDir(dir: string): K8sObject[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
  if (files.length === 0) throw new BaseError(`--base ${dir}: no .yaml files; give a folder \`npm run render\` wrote, or a git ref`);
  return files.map((f) => {
    // A FIFO or device named *.yaml would block; an alias bomb in a hand-edited file would exhaust memory.
    try {
      return parse(readUserFile(join(dir, f), "rendered object"), { maxAliasCount: 100 }) as K8sObject;
    } catch (e) {
      throw new BaseError(`--base ${dir}: ${(e as Error).message.split("\n")[0]}`);
    }
  });
}

function git(repo: string, args: string[]) {
  return spawnSync("git", args, { cwd: repo, maxBuffer: 1 << 30 });
}

/** Renders `stack` as commit `ref` of `repo` had it; the folder is removed afterwards. */
export function renderAtRef(ref: string, stack: string, repo = ROOT): K8sObject[] {
  const commit = git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit.status !== 0) throw new BaseError(`--base ${ref}: neither a folder nor a git ref of this repository`);
  const sha = String(commit.stdout).trim();
  const dir = mkdtempSync(join(tmpdir(), "rightsize-base-"));
  try {
    const archive = git(repo, ["archive", "--format=tar", sha]);
    if (archive.status !== 0) throw new BaseError(`--base ${ref}: git archive failed: ${String(archive.stderr).trim()}`);
    const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    if (untar.status !== 0) throw new BaseError(`--base ${ref}: could not unpack the commit: ${String(untar.stderr).trim()}`);
    if (!existsSync(join(dir, `Pulumi.${stack}.yaml`))) throw new BaseError(`--base ${ref}: commit ${sha.slice(0, 12)} has no Pulumi.${stack}.yaml`);
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const out = join(dir, "rightsize-base-render");
    // Commits before tools/ had a folder per command kept the hook and the entry at tools/ itself.
    const layout = existsSync(join(dir, "tools", "render", "index.ts"))
      ? [join(dir, "tools", "harness", "register.js"), join(dir, "tools", "render", "index.ts")]
      : [join(dir, "tools", "register.js"), join(dir, "tools", "render.ts")];
    const run = (extra: string[]) =>
      spawnSync(process.execPath, ["-r", layout[0]!, layout[1]!, stack, "--out", out, ...extra], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
        timeout: 180_000,
      });
    // Commits before --placeholder-secrets carried their credentials, and reject the flag as usage.
    let r = run(["--placeholder-secrets"]);
    if (r.status === 2 && r.stderr.includes("usage:")) r = run([]);
    if (r.status !== 0) throw new BaseError(`--base ${ref}: rendering ${stack} at ${sha.slice(0, 12)} failed (exit ${r.status}):\n${r.stderr.trim()}`);
    return readRenderDir(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A folder is read as a render; anything else is taken for a git ref of `repo`. */
export function loadBase(base: string, stack: string, repo = ROOT): K8sObject[] {
  if (existsSync(base) && statSync(base).isDirectory()) return readRenderDir(base);
  return renderAtRef(base, stack, repo);
}
