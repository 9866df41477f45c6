// The gRPC path end to end: the real pack, started the way the Pulumi CLI starts it, called over the
// Analyzer protocol with the same requests the CLI sends.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnalyzedResource,
  analyze,
  analyzeStack,
  type Caller,
  configure,
  configureStack,
  connect,
  getAnalyzerInfo,
  type PolicyPackInfo,
  runPolicies,
} from "../../tools/analyzer";
import { type RunningPack, startPolicyPack } from "../../tools/pack-process";
import { reconcile } from "../../tools/policy-config";
import type { K8sObject } from "../../model/k8s";
import { messages, typeOf, UNKNOWN } from "../helpers/policy";
import { baseline, changed, main, quota } from "../policies/fixtures";

const asResources = (objects: K8sObject[]): AnalyzedResource[] =>
  objects.map((o) => ({ urn: `urn:pulumi:test::rightsize::${typeOf(o)}::${o.metadata?.name}`, type: typeOf(o), name: o.metadata!.name!, properties: o as Record<string, unknown> }));

let pack: RunningPack;
let call: Caller;
let info: PolicyPackInfo;

beforeAll(async () => {
  pack = startPolicyPack();
  await pack.ready;
  call = connect(pack);
  info = await getAnalyzerInfo(call);
});
afterAll(() => pack?.close());

async function configured(given: Parameters<typeof reconcile>[2] = {}): Promise<void> {
  const { config, errors } = reconcile(info.policies, info.initialConfig, given);
  expect(errors).toEqual([]);
  await configure(call, config);
  await configureStack(call, "test", "rightsize");
}

describe("the policy pack over the Analyzer protocol", () => {
  it("GetAnalyzerInfo: the pack's name, its version from policies/package.json, every policy and the budget schema", () => {
    expect(info.name).toBe("rightsize");
    expect(info.version).toBe("0.1.0");
    expect(info.policies.map((p) => `${p.name}:${p.enforcementLevel}`)).toEqual([
      "rightsize-enforce-node-budget:mandatory",
      "rightsize-enforce-beat-singleton:mandatory",
      "rightsize-enforce-broker-noeviction:mandatory",
      "rightsize-enforce-celery-memory-fit:mandatory",
      "rightsize-enforce-postgres-memory-fit:mandatory",
      "rightsize-enforce-visibility-timeout:mandatory",
      "rightsize-missing-resources:advisory",
      "rightsize-disallow-requests-over-limits:advisory",
      "rightsize-missing-readiness-probe:advisory",
      "rightsize-disallow-identical-probes:advisory",
      "rightsize-disallow-unpinned-image:advisory",
      "rightsize-enforce-pod-security:advisory",
      "rightsize-enforce-memory-emptydir-size:advisory",
      "rightsize-missing-pdb:advisory",
      "rightsize-configure-shared-buffers:advisory",
      "rightsize-enforce-postgres-memory-request:advisory",
      "rightsize-configure-redis-shared-role:advisory",
    ]);
    const schema = info.policies[0]!.configSchema!;
    expect(Object.keys(schema.properties!).sort()).toEqual(["cpu", "maxPods", "memory", "nodes", "reserved"]);
    expect(schema.properties!.maxPods).toMatchObject({ type: "integer", minimum: 1, default: 110 });
  });

  it("Configure carries the schema defaults the CLI fills in", () => {
    const { config } = reconcile(info.policies, info.initialConfig, {});
    expect(config.get("rightsize-enforce-node-budget")).toEqual({ enforcementLevel: "mandatory", properties: { maxPods: 110 } });
    expect(config.get("rightsize-missing-pdb")).toEqual({ enforcementLevel: "advisory" });
  });

  it("Analyze reports a resource violation with the resource's URN and the exact message", async () => {
    await configured();
    const [r] = asResources(changed("StatefulSet", "postgres", (o) => (main(o).image = "postgres:latest")).filter((o) => o.metadata?.name === "postgres" && o.kind === "StatefulSet"));
    expect(await analyze(call, r!)).toEqual([
      {
        policy: "rightsize-disallow-unpinned-image",
        enforcementLevel: "advisory",
        urn: "urn:pulumi:test::rightsize::kubernetes:apps/v1:StatefulSet::postgres",
        message: 'StatefulSet postgres: container postgres image "postgres:latest" uses the latest tag; pin a version tag or an @sha256 digest',
      },
    ]);
  });

  it("AnalyzeStack rejects 003's over-committed table with the same message as in-process", async () => {
    await configured();
    const objects = [...baseline().filter((o) => o.kind !== "ResourceQuota"), quota({ nodes: 1, cpu: 4000, memoryMi: 8192, reservedCpu: 0, reservedMi: 0 })];
    const expected = await messages(objects, "rightsize-enforce-node-budget");
    expect(expected).toHaveLength(1);
    expect(await analyzeStack(call, asResources(objects))).toEqual([{ policy: "rightsize-enforce-node-budget", enforcementLevel: "mandatory", urn: "", message: expected[0] }]);
  });

  it("a value unknown at preview arrives as the CLI sends it and is a mandatory finding, not a pass", async () => {
    await configured();
    const objects = changed("Deployment", "web", (o) => (main(o).resources.requests.cpu = UNKNOWN));
    const stack = await analyzeStack(call, asResources(objects));
    expect(stack).toEqual([
      {
        policy: "rightsize-enforce-node-budget",
        enforcementLevel: "mandatory",
        urn: "",
        message:
          "The node budget is not proven: 1 object could not be counted: Deployment web: cannot be checked at preview: string value at .spec.template.spec.containers.0.resources.requests.cpu can't be known during preview",
      },
    ]);
  });

  it("enforcement levels follow the policy config, and a disabled policy stays silent", async () => {
    await configured({ "rightsize-disallow-unpinned-image": { enforcementLevel: "mandatory" }, "rightsize-missing-resources": { enforcementLevel: "disabled" } });
    const objects = changed("Deployment", "web", (o) => {
      main(o).image = "nginx";
      delete main(o).resources.requests;
    });
    const web = asResources(objects).find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "web")!;
    expect((await analyze(call, web)).map((d) => `${d.enforcementLevel} ${d.policy}`)).toEqual(["mandatory rightsize-disallow-unpinned-image"]);
  });

  it("a budget pinned in policy config is the one checked", async () => {
    await configured({ "rightsize-enforce-node-budget": { properties: { nodes: 1, cpu: "1", memory: "2Gi", reserved: { cpu: "100m", memory: "256Mi" } } } });
    const [d] = await analyzeStack(call, asResources(baseline()));
    expect(d!.message.split("\n")[1]).toBe(
      "Budget (from policy config): 1 node of 1 CPU / 2Gi, reserved 100m CPU / 256Mi each: allocatable 900m CPU / 1792Mi, at most 110 pods per node.",
    );
  });

  it("the whole exchange passes the compliant baseline", async () => {
    const run = await runPolicies(pack, { stack: "test", project: "rightsize", resources: asResources(baseline()) });
    expect(run.pack).toEqual({ name: "rightsize", version: "0.1.0" });
    expect(run.diagnostics).toEqual([]);
  });

  it("a pack that dies before it serves is reported with its stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-badpack-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bad", version: "0.0.1", main: "index.js" }));
    writeFileSync(join(dir, "index.js"), 'throw new Error("no policies here");');
    const bad = startPolicyPack(dir);
    await expect(bad.ready).rejects.toThrow(/^the policy pack in .* exited \(\d+\) before it served:\n[\s\S]*no policies here/);
    bad.close();
  });

  it("an invalid policy config is refused before Configure, naming the policy and the key", async () => {
    await expect(
      runPolicies(pack, { stack: "test", project: "rightsize", resources: [], config: { "rightsize-enforce-node-budget": { properties: { nodes: "three", maxPods: 0 } } } }),
    ).rejects.toThrow(
      "the policy config is invalid:\n  rightsize-enforce-node-budget: maxPods: must be >= 1\n  rightsize-enforce-node-budget: nodes: invalid type, expected integer, given string",
    );
  });
});
