// `plan --base`: what a config edit does to the running objects, through plan's library (the exit
// codes a process gives are plan.test.ts'). A git ref is read from a repository of the test's own, never
// from the project's .git.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../../tools/harness/errors";
import { writeManifests } from "../../../tools/harness/manifests";
import { BaseError } from "../../../tools/plan/base";
import { changesAgainst } from "../../../tools/plan/changes";
import { pendingAcknowledgements, renderChangesMarkdown, renderChangesText } from "../../../tools/plan/changes-report";
import { planExitCode } from "../../../tools/plan/verdict";
import { objectsOf, usePlanner } from "../../helpers/plan";
import { edited, ROOT, shippedStack, stackDir } from "../../helpers/run";

const PROD = shippedStack("prod");
const planner = usePlanner();

describe("plan --base <render folder>", () => {
  let base: string;
  let grown: string;
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "rightsize-base-render-"));
    writeManifests(await objectsOf("prod"), base);
    grown = stackDir("prod", edited(PROD, [["    storage:\n      size: 100Gi\n", "    storage:\n      size: 200Gi\n"]]));
  });
  const changes = async (dir: string, acknowledge: string[] = []) => changesAgainst(base, acknowledge, "prod", (await planner.plan("prod", { dir })).objects);

  it("reports prod's Postgres storage edit as a replacement that must be acknowledged", async () => {
    const c = await changes(grown);
    expect(pendingAcknowledgements(c).map((x) => x.object)).toEqual(["StatefulSet/postgres"]);
    const text = renderChangesText(c, base);
    expect(text).toContain(`Changes against ${base}: 0 to create, 0 to update in place, 2 to replace, 0 to delete`);
    expect(text).toContain(
      "  REPLACE StatefulSet/postgres (replaced because of spec.volumeClaimTemplates[0].spec.resources.requests.storage) -- MUST BE ACKNOWLEDGED: --acknowledge StatefulSet/postgres\n",
    );
    expect(text).toContain('      spec.volumeClaimTemplates[0].spec.resources.requests.storage: "100Gi" -> "200Gi"\n');
    expect(text).toContain("1 replacement(s) or deletion(s) of data-bearing objects are not acknowledged: StatefulSet/postgres");
  });

  it("exits 1 until the replacement is acknowledged, then 0", async () => {
    const { plan } = await planner.plan("prod", { dir: grown });
    expect(planExitCode(plan, await changes(grown))).toBe(1);
    expect(planExitCode(plan, await changes(grown, ["StatefulSet/postgres"]))).toBe(0);
    expect(planExitCode(plan)).toBe(0);
  });

  it("nothing is pending once acknowledged, and the changes say so", async () => {
    const c = await changes(grown, ["StatefulSet/postgres"]);
    expect(pendingAcknowledgements(c)).toEqual([]);
    expect(c.find((x) => x.object === "StatefulSet/postgres")).toMatchObject({ action: "replace", dataBearing: true, mustAcknowledge: true, acknowledged: true });
  });

  it("rejects an acknowledgement that names nothing to acknowledge", async () => {
    const e = await changes(grown, ["StatefulSet/redis-broker"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(`--acknowledge StatefulSet/redis-broker: no replacement or deletion of a data-bearing object by that name against ${base}`);
  });

  it("a replica edit updates in place (prod's web has an HPA, which owns the count)", async () => {
    const dir = stackDir("prod", edited(PROD, [["  rightsize:web:\n    replicas: 2\n", "  rightsize:web:\n    replicas: 3\n"]]));
    const c = await changes(dir);
    expect(pendingAcknowledgements(c)).toEqual([]);
    const md = renderChangesMarkdown(c, base);
    expect(md).toContain(`### Changes against \`${base}\``);
    expect(md).toContain("| HorizontalPodAutoscaler/web | update in place | `spec.minReplicas: 2 -> 3` |  |");
  });
});

/**
 * A repository of its own holding one commit of the working tree as it is (uncommitted edits and new
 * files included, .gitignore respected): objects are written under a temporary folder, not into the
 * project's .git.
 */
function repositoryOfWorkingTree(): { repo: string; sha: string } {
  const repo = mkdtempSync(join(tmpdir(), "rightsize-repo-"));
  const env = { ...process.env, GIT_DIR: join(repo, ".git"), GIT_WORK_TREE: ROOT, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "test", GIT_COMMITTER_EMAIL: "test@example.com" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, env, encoding: "utf8" }).trim();
  execFileSync("git", ["init", "--quiet", repo]);
  // As .gitignore says, and also when node_modules is a symlink (which `node_modules/` does not match).
  writeFileSync(join(repo, ".git", "info", "exclude"), "node_modules\npolicies/node_modules\n");
  git("add", "-A");
  git("commit", "--quiet", "--no-verify", "-m", "plan --base test");
  return { repo, sha: git("rev-parse", "HEAD") };
}

describe("plan --base <git ref>", () => {
  it("renders the stack at that commit: the working tree's own commit has no changes", async () => {
    const { repo, sha } = repositoryOfWorkingTree();
    const c = changesAgainst(sha, [], "dev", (await planner.plan("dev")).objects, { repo });
    expect(renderChangesText(c, sha)).toContain(`Changes against ${sha}: none`);
  });

  it("rejects a base that is neither a folder nor a ref", () => {
    expect(() => changesAgainst("no-such-ref-or-folder", [], "dev", [])).toThrow(BaseError);
    expect(() => changesAgainst("no-such-ref-or-folder", [], "dev", [])).toThrow("--base no-such-ref-or-folder: neither a folder nor a git ref of this repository");
  });
});
