// `plan --base`: what a config edit does to the running objects, through the real plan command.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runTool, stackDir } from "../../helpers/run";

const PROD = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");


describe("plan --base <render folder>", () => {
  let base: string;
  let grown: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), "rightsize-base-render-"));
    expect(runTool("render", ["prod", "--out", base]).code).toBe(0);
    expect(PROD).toContain("    storage:\n      size: 100Gi\n");
    grown = stackDir("prod", PROD.replace("    storage:\n      size: 100Gi\n", "    storage:\n      size: 200Gi\n"));
  });

  it("reports prod's Postgres storage edit as a replacement that must be acknowledged, and exits 1", () => {
    const r = runTool("plan", ["prod", "--base", base], grown);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`Changes against ${base}: 0 to create, 0 to update in place, 2 to replace, 0 to delete`);
    expect(r.stdout).toContain(
      "  REPLACE StatefulSet/postgres (replaced because of spec.volumeClaimTemplates[0].spec.resources.requests.storage) -- MUST BE ACKNOWLEDGED: --acknowledge StatefulSet/postgres\n",
    );
    expect(r.stdout).toContain('      spec.volumeClaimTemplates[0].spec.resources.requests.storage: "100Gi" -> "200Gi"\n');
    expect(r.stdout).toContain("1 replacement(s) or deletion(s) of data-bearing objects are not acknowledged: StatefulSet/postgres");
  });

  it("exits 0 once acknowledged, and --json carries the changes", () => {
    const r = runTool("plan", ["prod", "--base", base, "--acknowledge", "StatefulSet/postgres", "--json"], grown);
    expect(r.code, r.stderr).toBe(0);
    const pg = JSON.parse(r.stdout).changes.objects.find((c: { object: string }) => c.object === "StatefulSet/postgres");
    expect(pg).toMatchObject({ action: "replace", dataBearing: true, mustAcknowledge: true, acknowledged: true });
  });

  it("exits 2 for an acknowledgement that names nothing to acknowledge", () => {
    const r = runTool("plan", ["prod", "--base", base, "--acknowledge", "StatefulSet/redis-broker"], grown);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--acknowledge StatefulSet/redis-broker: no replacement or deletion of a data-bearing object by that name against ${base}`);
  });

  it("a replica edit updates in place and passes (prod's web has an HPA, which owns the count)", () => {
    const dir = stackDir("prod", PROD.replace("  rightsize:web:\n    replicas: 2\n", "  rightsize:web:\n    replicas: 3\n"));
    const r = runTool("plan", ["prod", "--base", base, "--markdown"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`### Changes against \`${base}\``);
    expect(r.stdout).toContain("| HorizontalPodAutoscaler/web | update in place | `spec.minReplicas: 2 -> 3` |  |");
  });
});

/**
 * A commit of the working tree as it is (uncommitted edits and new files included), written to the object
 * store only: a temporary index, no ref, no checkout, so the repository and its worktrees are untouched.
 */
function commitOfWorkingTree(): string {
  const env = { ...process.env, GIT_INDEX_FILE: join(mkdtempSync(join(tmpdir(), "rightsize-index-")), "index"), GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.com" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, env, encoding: "utf8" }).trim();
  git("read-tree", "HEAD");
  git("add", "-A");
  return git("commit-tree", git("write-tree"), "-p", "HEAD", "-m", "plan --base test");
}

describe("plan --base <git ref>", () => {
  it("renders the stack at that commit: the working tree's own commit has no changes", () => {
    const sha = commitOfWorkingTree();
    const r = runTool("plan", ["dev", "--base", sha]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Changes against ${sha}: none`);
  });

  it("exits 2 for a base that is neither a folder nor a ref", () => {
    const r = runTool("plan", ["dev", "--base", "no-such-ref-or-folder"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--base no-such-ref-or-folder: neither a folder nor a git ref of this repository");
  });
});
