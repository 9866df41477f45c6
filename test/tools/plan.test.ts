import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { missingSecretsNote } from "../../tools/cli";
import { readStackFile } from "../../tools/stackfile";
import { ROOT, runTool, stackDir } from "../helpers/run";


const devYaml = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");

describe("npm run plan", () => {
  for (const stack of ["dev", "prod"]) {
    it(`--json on ${stack} meets the contract`, () => {
      const r = runTool("plan", [stack, "--json"]);
      // Only the note naming the credentials the shipped prod file does not set.
      expect(r.stderr).toBe(stack === "prod" ? missingSecretsNote(readStackFile("prod", ROOT, { placeholderSecrets: true })) : "");
      expect(r.code).toBe(0);
      const p = JSON.parse(r.stdout);
      expect(Object.keys(p)).toEqual(expect.arrayContaining(["stack", "budget", "workloads", "totals", "packing", "violations"]));
      expect(p.stack).toBe(stack);
      expect(Object.keys(p.budget)).toEqual(expect.arrayContaining(["nodes", "perNode", "allocatable"]));
      const web = p.workloads.find((w: { name: string }) => w.name === "web");
      expect(Object.keys(web)).toEqual(
        expect.arrayContaining(["name", "component", "kind", "replicas", "maxReplicas", "podRequests", "podLimits", "tuning"]),
      );
      expect(web.tuning.preload_app).toBe(false);
      expect(p.packing.fits).toBe(true);
      expect(Array.isArray(p.violations)).toBe(true);
    });
  }

  it("dev: 000's numbers give 2 workers and the budget reads 8 CPU minus the reserve", () => {
    const p = JSON.parse(runTool("plan", ["dev", "--json"]).stdout);
    expect(p.budget.nodes).toBe(1);
    expect(p.budget.allocatable).toEqual({ cpuMillis: 7500, memoryBytes: 16 * 1024 ** 3 - 1536 * 1024 ** 2 });
    const web = p.workloads.find((w: { name: string }) => w.name === "web");
    expect(web.tuning.workers).toBe(2);
    expect(web.tuning.timeout).toBe(120);
    expect(web.podLimits).toEqual({ cpuMillis: 500, memoryBytes: 512 * 1024 ** 2 });
  });

  it("prints a table with a budget bar and every policy's result", () => {
    const r = runTool("plan", ["dev"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^web\s+Deployment\s+1\s+100m \/ 256Mi\s+500m \/ 512Mi\s+workers=2/m);
    expect(r.stdout).toMatch(/CPU\s+\[#+\.+\]/);
    expect(r.stdout).toContain("Policies: rightsize 0.1.0, 17 policies over the Analyzer protocol:");
    expect(r.stdout).toMatch(/^  pass  rightsize-enforce-node-budget\s+mandatory$/m);
  });

  it("prints markdown for a pull-request comment, with every policy's result", () => {
    const r = runTool("plan", ["prod", "--markdown"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("### rightsize plan: `prod` (no mandatory violation)");
    expect(r.stdout).toMatch(/^\| web \| Deployment \| 2\.\.6 \|/m);
    expect(r.stdout).toContain("| pass | `rightsize-enforce-node-budget` | mandatory |");
  });

  it("--json lists the pack and each policy's result", () => {
    const p = JSON.parse(runTool("plan", ["dev", "--json"]).stdout);
    expect(p.policies.evaluated).toBe(true);
    expect(p.policies.pack).toEqual({ name: "rightsize", version: "0.1.0" });
    expect(p.policies.results).toHaveLength(17);
    expect(p.policies.results[0]).toEqual({ name: "rightsize-enforce-node-budget", enforcementLevel: "mandatory", violations: 0 });
    expect(p.violations).toEqual([]);
  });

  it("exits 1 when the stack outgrows its budget, and prints the policy's message", () => {
    // 60 web pods without database pools, so only the budget is wrong with the stack.
    const edited = devYaml.replace("    replicas: 1\n", "    replicas: 60\n    database:\n      poolSize: 0\n      maxOverflow: 0\n");
    expect(edited).not.toBe(devYaml);
    const r = runTool("plan", ["big"], stackDir("big", edited));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  FAIL  rightsize-enforce-node-budget\s+mandatory, 1 violation\(s\)$/m);
    expect(r.stdout).toContain("  [mandatory] rightsize-enforce-node-budget on stack big:\n      The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total; rule 2: 30 pods cannot be packed onto 1 node).");
    expect(r.stdout).toContain("      Requests at rest: 9370m CPU / 22080Mi in 71 pods; at the rollout peak: 11040m CPU / 25344Mi in 79 pods.");
  });

  it("checks against the budget a policy config pins, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-policy-"));
    const file = join(dir, "dev.json");
    writeFileSync(file, JSON.stringify({ "rightsize-enforce-node-budget": { nodes: 1, cpu: "250m", memory: "8Gi", reserved: { cpu: "100m", memory: "1Gi" } } }));
    const r = runTool("plan", ["dev", "--policy-pack-config", file, "--json"]);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.stdout);
    expect(p.budget.allocatable).toEqual({ cpuMillis: 150, memoryBytes: 7 * 1024 ** 3 });
    expect(p.violations[0].message.split("\n")[1]).toBe(
      "Budget (from policy config): 1 node of 250m CPU / 8Gi, reserved 100m CPU / 1Gi each: allocatable 150m CPU / 7Gi, at most 110 pods per node.",
    );
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack} passes against the budget pinned in policy-config/${stack}.json, as CI runs it`, () => {
      const r = runTool("plan", [stack, "--policy-pack-config", join(ROOT, "policy-config", `${stack}.json`), "--json"]);
      expect(r.code).toBe(0);
      const p = JSON.parse(r.stdout);
      const quota = JSON.parse(runTool("plan", [stack, "--json"]).stdout).budget;
      // The pin equals the budget the stack file declares, so pinning changes who may edit it, not the verdict.
      expect(p.budget).toEqual(quota);
      expect(p.violations).toEqual([]);
    });
  }

  it("exits 2 on a policy config that does not match the pack's schema", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-policy-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ "rightsize-enforce-node-budget": { nodes: "three" }, "rightsize-missing-pdb": "sometimes" }));
    const r = runTool("plan", ["dev", "--policy-pack-config", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file}: rightsize-missing-pdb: "sometimes" is not a valid enforcement level (advisory, mandatory, remediate, disabled)\n`);
    writeFileSync(file, JSON.stringify({ "rightsize-enforce-node-budget": { nodes: "three" } }));
    const r2 = runTool("plan", ["dev", "--policy-pack-config", file]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("rightsize-enforce-node-budget: nodes: invalid type, expected integer, given string");
  });

  const bad: [string, (y: string) => string, string][] = [
    ["a memory of 1.5GB", (y) => y.replace("memory: 512Mi", "memory: 1.5GB"), 'web.resources.limits.memory: "1.5GB" is not a Kubernetes quantity'],
    ["limits below requests", (y) => y.replace("cpu: 500m\n        memory: 512Mi", "cpu: 50m\n        memory: 512Mi"), 'web.resources.requests.cpu: request is larger than limits.cpu 50m (got "100m")'],
    ["an unknown key", (y) => y.replace("    replicas: 1", "    replicaz: 1"), "web.replicaz: unknown key (did you mean replicas?)"],
    ["an empty stack file", () => "", "nodeBudget: is required"],
  ];
  for (const [what, edit, message] of bad) {
    it(`exits 2 naming the key for ${what}, with no stack trace`, () => {
      const edited = edit(devYaml);
      expect(edited).not.toBe(devYaml);
      const r = runTool("plan", ["bad"], stackDir("bad", edited));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("Pulumi.bad.yaml has");
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    });
  }

  it("exits 2 for the shipped prod stack without --placeholder-secrets, naming every credential and its command", () => {
    const r = runTool("plan", ["prod"], ROOT, { placeholderSecrets: false });
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l.includes("is required: a credential"));
    expect(lines.map((l) => l.trim())).toEqual(
      ["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"].map(
        (k) => `${k}: is required: a credential, stored encrypted in prod; set it with \`pulumi config set --secret --path ${k} <value> -s prod\``,
      ),
    );
  });

  it("with --placeholder-secrets, plans prod and says which credentials were placeholders", () => {
    const r = runTool("plan", ["prod"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Pulumi.prod.yaml sets no postgres.password, redis.broker.password, redis.cache.password, meilisearch.masterKey: placeholders used");
    expect(r.stderr).toContain("  pulumi config set --secret --path meilisearch.masterKey <value> -s prod\n");
  });

  it("exits 2 for a stack with no file", () => {
    const r = runTool("plan", ["nosuch"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Pulumi.nosuch.yaml: no such stack file");
  });

  it("exits 2 with usage on bad arguments", () => {
    const r = runTool("plan", ["dev", "--yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>]");
  });
});

describe("npm run render", () => {
  it("writes one kubectl-applicable file per object for prod", () => {
    const out = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    const r = runTool("render", ["prod", "--out", out]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        "configmap-web-gunicorn.yaml",
        "deployment-web.yaml",
        "horizontalpodautoscaler-web.yaml",
        "namespace-rightsize.yaml",
        "networkpolicy-default-deny-ingress.yaml",
        "poddisruptionbudget-web.yaml",
        "resourcequota-rightsize-node-budget.yaml",
        "service-web.yaml",
      ]),
    );
    for (const f of files) {
      const o = parse(readFileSync(join(out, f), "utf8"));
      expect(f).toBe(`${o.kind}-${o.metadata.name}.yaml`.toLowerCase());
      expect(typeof o.apiVersion).toBe("string");
    }
    const quota = parse(readFileSync(join(out, "resourcequota-rightsize-node-budget.yaml"), "utf8"));
    // 3 x (4 - 200m) CPU and 3 x (16Gi - 2816Mi)
    expect(quota.spec.hard).toEqual({ "requests.cpu": "11400m", "requests.memory": `${3 * (16384 - 2816)}Mi`, pods: "330" });
    expect(quota.metadata.annotations["rightsize.io/budget-node-cpu"]).toBe("4");
  });

  it("is deterministic", () => {
    const a = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    const b = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    runTool("render", ["dev", "--out", a]);
    runTool("render", ["dev", "--out", b]);
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f), "utf8")).toBe(readFileSync(join(a, f), "utf8"));
  });
});
