// plan and render: the library in process for what they compute and print, and a few runs of the real
// commands for what only a process shows (exit codes, the streams, determinism across processes).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PolicyConfigInvalid, readGivenPolicyConfig, violatesMandatory } from "../../../tools/capacity/plan-stack";
import { failure, missingSecretsNote } from "../../../tools/harness/cli";
import { StackConfigInvalid } from "../../../tools/harness/errors";
import { writeManifests } from "../../../tools/harness/manifests";
import { PolicyConfigError } from "../../../tools/harness/policy-config";
import { StackFileError } from "../../../tools/harness/stackfile";
import { renderMarkdown, renderText } from "../../../tools/plan/report";
import { planExitCode } from "../../../tools/plan/verdict";
import { objectsOf, readStack, usePlanner } from "../../helpers/plan";
import { edited, ROOT, runTool, shippedStack, stackDir } from "../../helpers/run";

const devYaml = shippedStack("dev");
const planner = usePlanner();
/** The plan as `--json` prints it. */
const json = async (stack: string, opts = {}) => JSON.parse(JSON.stringify((await planner.plan(stack, opts)).plan));

/** A copy of dev that only the budget is wrong with: 60 web pods without database pools. */
const BIG = edited(devYaml, [["    replicas: 1\n", "    replicas: 60\n    database:\n      poolSize: 0\n      maxOverflow: 0\n"]]);

function policyConfigFile(name: string, content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "rightsize-policy-")), name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("plan", () => {
  for (const stack of ["dev", "prod"]) {
    it(`--json on ${stack} meets the contract`, async () => {
      const p = await json(stack);
      expect(Object.keys(p)).toEqual(expect.arrayContaining(["stack", "budget", "workloads", "totals", "packing", "violations"]));
      expect(p.stack).toBe(stack);
      expect(Object.keys(p.budget)).toEqual(expect.arrayContaining(["nodes", "perNode", "allocatable"]));
      const web = p.workloads.find((w: { name: string }) => w.name === "web");
      expect(Object.keys(web)).toEqual(
        expect.arrayContaining(["name", "component", "kind", "replicas", "maxReplicas", "podRequests", "podLimits", "tuning"]),
      );
      expect(web.tuning.preload_app).toBe(false);
      expect(p.packing.fits).toBe(true);
      expect(p.violations).toEqual([]);
    });
  }

  it("dev: gunicorn's (2 x CPU) + 1 rule at 500m gives 2 workers, and the budget reads 8 CPU minus the reserve", async () => {
    const p = await json("dev");
    expect(p.budget.nodes).toBe(1);
    expect(p.budget.allocatable).toEqual({ cpuMillis: 7500, memoryBytes: 16 * 1024 ** 3 - 1536 * 1024 ** 2 });
    const web = p.workloads.find((w: { name: string }) => w.name === "web");
    expect(web.tuning.workers).toBe(2);
    expect(web.tuning.timeout).toBe(120);
    expect(web.podLimits).toEqual({ cpuMillis: 500, memoryBytes: 512 * 1024 ** 2 });
  });

  it("prints a table with a budget bar and every policy's result", async () => {
    const text = renderText((await planner.plan("dev")).plan, "Pulumi.dev.yaml");
    expect(text).toMatch(/^web\s+Deployment\s+1\s+100m \/ 256Mi\s+500m \/ 512Mi\s+workers=2/m);
    expect(text).toMatch(/CPU\s+\[#+\.+\]/);
    expect(text).toContain("Policies: rightsize 0.1.0, 26 policies over the Analyzer protocol:");
    expect(text).toMatch(/^  pass  rightsize-enforce-node-budget\s+mandatory$/m);
  });

  it("prints markdown for a pull-request comment, with every policy's result", async () => {
    const md = renderMarkdown((await planner.plan("prod")).plan, "Pulumi.prod.yaml");
    expect(md).toContain("### rightsize plan: `prod` (no mandatory violation)");
    expect(md).toMatch(/^\| web \| Deployment \| 2\.\.6 \|/m);
    expect(md).toContain("| pass | `rightsize-enforce-node-budget` | mandatory |");
  });

  it("--json lists the pack and each policy's result", async () => {
    const p = await json("dev");
    expect(p.policies.evaluated).toBe(true);
    expect(p.policies.pack).toEqual({ name: "rightsize", version: "0.1.0" });
    expect(p.policies.results).toHaveLength(26);
    expect(p.policies.results[0]).toEqual({ name: "rightsize-enforce-node-budget", enforcementLevel: "mandatory", violations: 0 });
  });

  it("violates a mandatory policy when the stack outgrows its budget, and prints the policy's message", async () => {
    const { plan } = await planner.plan("big", { dir: stackDir("big", BIG) });
    expect(violatesMandatory(plan)).toBe(true);
    expect(planExitCode(plan)).toBe(1);
    const text = renderText(plan, "Pulumi.big.yaml");
    expect(text).toMatch(/^  FAIL  rightsize-enforce-node-budget\s+mandatory, 1 violation\(s\)$/m);
    expect(text).toContain("  [mandatory] rightsize-enforce-node-budget on stack big:\n      The stack does not fit its node budget (rule 1: the rollout peak exceeds the allocatable total; rule 2: 30 pods cannot be packed onto 1 node).");
    expect(text).toContain("      Requests at rest: 9370m CPU / 22080Mi in 71 pods; at the rollout peak: 11040m CPU / 25344Mi in 79 pods.");
  });

  it("checks against the budget a policy config pins, and says so", async () => {
    const file = policyConfigFile("dev.json", { "rightsize-enforce-node-budget": { nodes: 1, cpu: "250m", memory: "8Gi", reserved: { cpu: "100m", memory: "1Gi" } } });
    const p = await json("dev", { policyConfig: file });
    expect(violatesMandatory(p)).toBe(true);
    expect(p.budget.allocatable).toEqual({ cpuMillis: 150, memoryBytes: 7 * 1024 ** 3 });
    expect(p.violations[0].message.split("\n")[1]).toBe(
      "Budget (from policy config): 1 node of 250m CPU / 8Gi, reserved 100m CPU / 1Gi each: allocatable 150m CPU / 7Gi, at most 110 pods per node.",
    );
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack} passes against the budget pinned in policy-config/${stack}.json, as CI runs it`, async () => {
      const p = await json(stack, { policyConfig: join(ROOT, "policy-config", `${stack}.json`) });
      // The pin equals the budget the stack file declares, so pinning changes who may edit it, not the verdict.
      expect(p.budget).toEqual((await json(stack)).budget);
      expect(p.violations).toEqual([]);
    });
  }

  it("rejects a policy config that does not match the pack's schema, naming the file", async () => {
    const file = policyConfigFile("bad.json", { "rightsize-enforce-node-budget": { nodes: "three" }, "rightsize-missing-pdb": "sometimes" });
    const level = await planner.plan("dev", { policyConfig: file }).catch((x: unknown) => x);
    expect(level).toBeInstanceOf(PolicyConfigError);
    expect((level as Error).message).toBe(`${file}: rightsize-missing-pdb: "sometimes" is not a valid enforcement level (advisory, mandatory, remediate, disabled)`);
    const typed = policyConfigFile("typed.json", { "rightsize-enforce-node-budget": { nodes: "three" } });
    const e = await planner.plan("dev", { policyConfig: typed }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PolicyConfigInvalid);
    expect((e as Error).message).toContain("rightsize-enforce-node-budget: nodes: invalid type, expected integer, given string");
  });

  it("exits 2 naming the file and the nearest name for a misspelled policy name", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-policy-"));
    const file = join(dir, "prod.json");
    const pin = { nodes: 1, cpu: "8", memory: "16Gi", reserved: { cpu: "500m", memory: "1536Mi" } };
    // Spelled right this pin (dev's machine) is checked; misspelled, it used to be dropped without a word.
    writeFileSync(file, JSON.stringify({ "rightsize-enforce-nodebudget": pin }));
    const typo = runTool("plan", ["dev", "--policy-pack-config", file]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`${file}: the policy config is invalid:\n  rightsize-enforce-nodebudget: no such policy in the pack (did you mean rightsize-enforce-node-budget?)\n`);
  });

  it("an invalid pin is a PolicyConfigError (exit 2) naming the file, before the program or the pack runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-policy-"));
    const file = join(dir, "prod.json");
    const pin = { nodes: 1, cpu: "0", memory: "16Gi", reserved: { cpu: "500m", memory: "1536Mi" } };
    const problem = (content: unknown) => {
      writeFileSync(file, JSON.stringify(content));
      const e = (() => {
        try {
          readGivenPolicyConfig(file);
        } catch (x) {
          return x;
        }
        throw new Error("read without an error");
      })();
      expect(e).toBeInstanceOf(PolicyConfigError);
      expect(failure(e).code).toBe(2);
      return failure(e).stderr;
    };
    expect(problem({ "rightsize-enforce-node-budget": pin })).toBe(
      `${file}: rightsize-enforce-node-budget: the policy config's budget is invalid: cpu: node CPU must be positive (got "0")\n`,
    );
    expect(problem({ "rightsize-enforce-node-budget": { nodes: 2 } })).toBe(
      `${file}: rightsize-enforce-node-budget: the policy config sets nodes but not cpu, memory, reserved; a budget needs all four\n`,
    );
    // A schema error is left to the pack's schema, which names it (the test above).
    writeFileSync(file, JSON.stringify({ "rightsize-enforce-node-budget": { nodes: "three" } }));
    expect(readGivenPolicyConfig(file)).toEqual({ "rightsize-enforce-node-budget": { properties: { nodes: "three" } } });
  });

  const bad: [string, (y: string) => string, string][] = [
    ["a memory of 1.5GB", (y) => y.replace("memory: 512Mi", "memory: 1.5GB"), 'web.resources.limits.memory: "1.5GB" is not a Kubernetes quantity'],
    ["limits below requests", (y) => y.replace("cpu: 500m\n        memory: 512Mi", "cpu: 50m\n        memory: 512Mi"), 'web.resources.requests.cpu: request is larger than limits.cpu 50m (got "100m")'],
    ["an unknown key", (y) => y.replace("    replicas: 1", "    replicaz: 1"), "web.replicaz: unknown key (did you mean replicas?)"],
    ["an empty stack file", () => "", "nodeBudget: is required"],
  ];
  for (const [what, edit, message] of bad) {
    it(`rejects the stack config naming the key for ${what}`, async () => {
      const text = edit(devYaml);
      expect(text).not.toBe(devYaml);
      const e = await planner.plan("bad", { dir: stackDir("bad", text) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(StackConfigInvalid);
      expect((e as Error).message).toContain("Pulumi.bad.yaml has");
      expect((e as Error).message).toContain(message);
    });
  }

  it("rejects the shipped prod stack without placeholders, naming every credential and its command", async () => {
    const e = await planner.plan("prod", { placeholderSecrets: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StackConfigInvalid);
    const lines = (e as Error).message.split("\n").filter((l) => l.includes("is required: a credential"));
    expect(lines.map((l) => l.trim())).toEqual(
      ["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"].map(
        (k) => `${k}: is required: a credential, stored encrypted in prod; set it with \`pulumi config set --secret --path ${k} <value> -s prod\``,
      ),
    );
  });

  it("with placeholders, notes which credentials were placeholders and how to set them", () => {
    const note = missingSecretsNote(readStack("prod"));
    expect(note).toContain("Pulumi.prod.yaml sets no postgres.password, redis.broker.password, redis.cache.password, meilisearch.masterKey: placeholders used");
    expect(note).toContain("  pulumi config set --secret --path meilisearch.masterKey <value> -s prod\n");
    expect(readStack("dev").missingSecrets).toEqual([]);
  });

  it("names a stack with no file", () => {
    expect(() => readStack("nosuch")).toThrow(StackFileError);
    expect(() => readStack("nosuch")).toThrow("Pulumi.nosuch.yaml: no such stack file");
  });
});

describe("npm run plan, as a process", () => {
  it("prod --json: exit 0, the JSON the library gives, and on stderr only the note on placeholder credentials", async () => {
    const r = runTool("plan", ["prod", "--json"]);
    expect(r.stderr).toBe(missingSecretsNote(readStack("prod")));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(await json("prod"));
  });

  it("exits 1 when a mandatory policy is violated", () => {
    const r = runTool("plan", ["big"], stackDir("big", BIG));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^  FAIL  rightsize-enforce-node-budget\s+mandatory, 1 violation\(s\)$/m);
  });

  // That every other InputError exits 2 the same way is the frame's rule (test/tools/harness/cli.test.ts).
  it("exits 2 with usage on bad arguments", () => {
    const r = runTool("plan", ["dev", "--yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run plan -- <stack> [--json|--markdown] [--policy-pack-config <file>]");
  });
});

describe("render", () => {
  it("writes one kubectl-applicable file per object for prod", async () => {
    const out = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    const written = writeManifests(await objectsOf("prod"), out);
    const files = readdirSync(out).sort();
    expect(files).toEqual([...written].sort());
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

  it("is deterministic across processes: two runs exit 0 and write the same files, byte for byte", () => {
    const a = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    const b = mkdtempSync(join(tmpdir(), "rightsize-render-"));
    const ra = runTool("render", ["dev", "--out", a]);
    const rb = runTool("render", ["dev", "--out", b]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const files = readdirSync(a).sort();
    expect(files.length).toBeGreaterThan(20);
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b, f), "utf8")).toBe(readFileSync(join(a, f), "utf8"));
  });
});
