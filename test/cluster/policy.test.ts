// `pulumi preview --policy-pack policies --policy-pack-config ...` with the real CLI against the real API
// server gives the same verdict and the same violations as `npm run plan` on the same stack: the shipped
// stacks, and one that breaks the budget (which the CLI must refuse).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/all";
import { policyEvents, violationKey, violationOf } from "./preview";
import { ok, pulumi } from "./pulumi";
import { cleanUpExternal, planJson, type TestCluster, testCluster, unavailable } from "./setup";

/** Each policy's description, as the pack declares it. */
const DESCRIPTIONS: Record<string, string> = Object.fromEntries(POLICIES.map((p) => [p.name, p.description ?? ""]));

const why = unavailable();
if (why) console.warn(`SKIPPING ${why}`);

describe.skipIf(why !== undefined).sequential("the real CLI's policy verdicts equal npm run plan's", () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await testCluster("policy");
    // the refused `up` below is proven by dev's namespace not appearing: on a cluster of the user's it must not be there already
    if (c.external && c.kube.run(["get", "namespace", "rightsize-dev", "-o", "name"]).code === 0) {
      throw new Error(`--kubeconfig: namespace rightsize-dev already exists on context ${c.context}; the policy tests prove a refused pulumi up by its absence: delete it first (kubectl delete namespace rightsize-dev)`);
    }
    const p = c.project.project;
    // a dev with 8 browser pods: its reservations no longer fit the budget policy-config/dev.json pins
    const dev = parse(readFileSync(join(p, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, any> };
    dev.config["rightsize:playwright"] = { ...dev.config["rightsize:playwright"], replicas: 8 };
    writeFileSync(join(p, "Pulumi.overbudget.yaml"), stringify(dev));
    for (const stack of ["dev", "prod", "overbudget"]) {
      ok(await pulumi(c.project, ["stack", "init", stack, "--secrets-provider", "passphrase"]), `stack init ${stack}`);
      if (c.external) ok(await pulumi(c.project, ["config", "set", "kubernetes:context", c.context, "-s", stack]), "config set context");
    }
    for (const key of ["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]) {
      ok(await pulumi(c.project, ["config", "set", "--secret", "--path", key, `test-only-${key.replace(/\W/g, "-")}-0123456789`, "-s", "prod"]), `config set --secret ${key}`);
    }
  }, 600_000);
  afterAll(async () => {
    // the over-budget stack's `up` must be refused; should it not be, nothing of it stays on a user's cluster
    const left = c?.external ? await cleanUpExternal(c, ["overbudget"], ["rightsize-dev"]) : [];
    await c?.stop();
    if (left.length > 0) throw new Error(`--kubeconfig: left on context ${c.context}:\n${left.join("\n")}`);
  }, 900_000);

  const cases = [
    { stack: "dev", config: "policy-config/dev.json", code: 0 },
    { stack: "prod", config: "policy-config/prod.json", code: 0 },
    { stack: "overbudget", config: "policy-config/dev.json", code: 1 },
  ];
  for (const k of cases) {
    it(`${k.stack}: pulumi preview --policy-pack policies --policy-pack-config ${k.config} agrees with npm run plan`, async () => {
      const extra = ["--policy-pack-config", k.config, ...(k.stack === "prod" ? ["--placeholder-secrets"] : [])];
      const { code, plan } = planJson(c.project.project, k.stack, extra);
      expect(code).toBe(k.code);
      const log = join(c.dir, `events-${k.stack}.jsonl`);
      const preview = await pulumi(c.project, ["preview", "-s", k.stack, "--policy-pack", "policies", "--policy-pack-config", k.config, "--event-log", log], { timeoutSeconds: 600 });
      const events = policyEvents(log);
      // the engine prefixes each event's message with the policy's description; plan's JSON does not
      const cli = events.map((e) => violationKey({ ...e, message: violationOf(e, DESCRIPTIONS) })).sort();
      const offline = plan.violations.map(violationKey).sort();
      const detail = `\n--- preview stdout ---\n${preview.stdout.slice(-6000)}\n--- stderr ---\n${preview.stderr.slice(-3000)}`;
      expect(cli, detail).toEqual(offline);
      // the verdict: a mandatory violation fails the preview, and nothing else does
      expect(preview.code === 0 ? 0 : 1, detail).toBe(k.code);
      if (k.code === 1) {
        expect(events.some((e) => e.policyName === "rightsize-enforce-node-budget" && e.enforcementLevel === "mandatory")).toBe(true);
        // and `pulumi up` is refused before anything is created
        const up = await pulumi(c.project, ["up", "-s", k.stack, "--yes", "--policy-pack", "policies", "--policy-pack-config", k.config], { timeoutSeconds: 600 });
        expect(up.code).not.toBe(0);
        expect(c.kube.run(["get", "namespace", "rightsize-dev"]).code).not.toBe(0);
      }
    }, 1_300_000);
  }
});
