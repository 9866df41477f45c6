import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contextProblem } from "../../../tools/kube-context";
import { REGISTER, ROOT } from "../../helpers/run";

const kubeconfig = (contexts: string[], current?: string) =>
  `apiVersion: v1\nkind: Config\ncontexts:\n${contexts.map((c) => `  - name: ${c}\n    context: {cluster: c, user: u}\n`).join("")}${current ? `current-context: ${current}\n` : ""}`;

describe("contextProblem", () => {
  it("passes a kubeconfig that has the stack's context", () => {
    expect(contextProblem(kubeconfig(["other", "prod-cluster"]), "prod-cluster", "Pulumi.prod.yaml")).toBeUndefined();
  });

  it("names the stack's context and the kubeconfig's when it is missing", () => {
    expect(contextProblem(kubeconfig(["gke_team_prod"]), "prod-cluster", "Pulumi.prod.yaml")).toBe(
      'Pulumi.prod.yaml: kubernetes:context is "prod-cluster", but the kubeconfig\'s contexts are "gke_team_prod"; rename the context in the kubeconfig or run `pulumi config set kubernetes:context <name>`',
    );
  });

  it("without kubernetes:context, needs a current-context that exists", () => {
    expect(contextProblem(kubeconfig(["a"], "a"), undefined, "Pulumi.x.yaml")).toBeUndefined();
    expect(contextProblem(kubeconfig(["a"], "b"), undefined, "Pulumi.x.yaml")).toBe(
      "Pulumi.x.yaml: the stack sets no kubernetes:context and the kubeconfig has no usable current-context (contexts: a)",
    );
  });

  it("says so when the kubeconfig is not YAML", () => {
    expect(contextProblem("a: [", "x", "Pulumi.x.yaml")).toMatch(/^Pulumi\.x\.yaml: not valid YAML: /);
  });
});

describe("npm run kube-context", () => {
  const run = (args: string[]) => spawnSync(process.execPath, ["-r", REGISTER, join(ROOT, "tools", "kube-context", "index.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  const dir = mkdtempSync(join(tmpdir(), "rightsize-kube-"));

  it("exits 0 for prod's prod-cluster context and 2 naming it otherwise", () => {
    writeFileSync(join(dir, "good"), kubeconfig(["prod-cluster"]));
    writeFileSync(join(dir, "bad"), kubeconfig(["kind-rightsize-dev"]));
    const good = run(["prod", join(dir, "good")]);
    expect(good.status).toBe(0);
    const bad = run(["prod", join(dir, "bad")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('kubernetes:context is "prod-cluster", but the kubeconfig\'s contexts are "kind-rightsize-dev"');
  });
});
