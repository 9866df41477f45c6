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
} from "../../../tools/harness/analyzer";
import { type RunningPack, startPolicyPack } from "../../../tools/harness/pack-process";
import { reconcile } from "../../../tools/harness/policy-config";
import type { K8sObject } from "../../../model/k8s";
import { POLICIES } from "../../../policies/all";
import { evaluate, type Finding, messages, typeOf, UNKNOWN } from "../../helpers/policy";
import { baseline, changed, main, quota, setTuning } from "../../policies/fixtures";

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
    expect(info.policies.map((p) => `${p.name}:${p.enforcementLevel}`)).toEqual(POLICIES.map((p) => `${p.name}:${p.enforcementLevel}`));
    expect(info.policies).toHaveLength(26);
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

  it("AnalyzeStack rejects the seed's over-committed table with the same message as in-process", async () => {
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

/** One stack per policy that the policy rejects: one change from the compliant baseline. */
/** What the Postgres component renders for 1536Mi at 80 connections (each backend's own memory counted). */
const PG = { shared_buffers: "384MB", work_mem: "1373kB", maintenance_work_mem: "96MB", max_connections: 80, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 };
const WORKER = { worker_concurrency: 4, worker_max_memory_per_child: 307200, task_time_limit: 3600, visibility_timeout: 4200 };
const REJECTED: Record<string, () => K8sObject[]> = {
  "rightsize-enforce-node-budget": () => [...baseline().filter((o) => o.kind !== "ResourceQuota"), quota({ nodes: 1, cpu: 4000, memoryMi: 8192, reservedCpu: 0, reservedMi: 0 })],
  "rightsize-enforce-beat-singleton": () => changed("Deployment", "celery-beat", (o) => (o.spec.strategy = { type: "RollingUpdate" })),
  "rightsize-enforce-broker-noeviction": () => changed("StatefulSet", "redis-broker", (o) => setTuning(o, { "maxmemory-policy": "allkeys-lru" })),
  "rightsize-enforce-celery-memory-fit": () => changed("Deployment", "celery-worker", (o) => setTuning(o, { ...WORKER, worker_concurrency: 6, worker_max_memory_per_child: 400000 })),
  "rightsize-enforce-postgres-memory-fit": () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...PG, work_mem: "32MB", max_connections: 100 })),
  "rightsize-enforce-visibility-timeout": () => changed("Deployment", "celery-worker", (o) => setTuning(o, { ...WORKER, visibility_timeout: 3600 })),
  "rightsize-disallow-added-capabilities": () => changed("Deployment", "playwright", (o) => (main(o).securityContext.capabilities.add = ["SYS_ADMIN"])),
  "rightsize-disallow-host-access": () => changed("Deployment", "web", (o) => (main(o).ports = [{ containerPort: 8000, hostPort: 80 }])),
  "rightsize-disallow-literal-secrets": () => changed("Deployment", "web", (o) => (main(o).env = [{ name: "SECRET_KEY", value: "django-insecure" }])),
  "rightsize-missing-resources": () => changed("Deployment", "web", (o) => delete main(o).resources.requests.cpu),
  "rightsize-disallow-requests-over-limits": () => changed("Deployment", "web", (o) => (main(o).resources.requests.memory = "1Gi")),
  "rightsize-missing-readiness-probe": () => changed("Deployment", "web", (o) => delete main(o).readinessProbe),
  "rightsize-missing-liveness-probe": () => changed("Deployment", "celery-worker", (o) => delete main(o).livenessProbe),
  "rightsize-disallow-identical-probes": () => changed("Deployment", "web", (o) => (main(o).livenessProbe = { ...main(o).readinessProbe })),
  "rightsize-disallow-unpinned-image": () => changed("StatefulSet", "postgres", (o) => (main(o).image = "postgres:latest")),
  "rightsize-enforce-pod-security": () => changed("Deployment", "celery-beat", (o) => (o.spec.template.spec.hostNetwork = true)),
  "rightsize-enforce-seccomp": () => changed("Deployment", "web", (o) => (main(o).securityContext.seccompProfile = { type: "Unconfined" })),
  "rightsize-enforce-read-only-root-filesystem": () => changed("Deployment", "web", (o) => (main(o).securityContext.readOnlyRootFilesystem = false)),
  "rightsize-disallow-service-account-token": () => changed("Deployment", "web", (o) => delete o.spec.template.spec.automountServiceAccountToken),
  "rightsize-enforce-memory-emptydir-size": () => changed("Deployment", "playwright", (o) => delete o.spec.template.spec.volumes[0].emptyDir.sizeLimit),
  "rightsize-missing-pdb": () => baseline().filter((o) => o.kind !== "PodDisruptionBudget"),
  "rightsize-disallow-blocking-pdb": () => changed("PodDisruptionBudget", "web", (o) => (o.spec = { maxUnavailable: 0, selector: o.spec.selector })),
  "rightsize-missing-network-policy": () => baseline().filter((o) => o.kind !== "NetworkPolicy"),
  "rightsize-configure-shared-buffers": () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...PG, max_connections: 20, maintenance_work_mem: "16MB", shared_buffers: "1GB" })),
  "rightsize-enforce-postgres-memory-request": () => changed("StatefulSet", "postgres", (o) => (main(o).resources.requests.memory = "1Gi")),
  "rightsize-configure-redis-shared-role": () => changed("StatefulSet", "redis-broker", (o) => (o.metadata.annotations["rightsize.io/role"] = "shared")),
};

const asFinding = (d: { policy: string; enforcementLevel: string; urn: string; message: string }): Finding => {
  const [, , type, name] = d.urn.split("::");
  return { policy: d.policy, level: d.enforcementLevel, resource: d.urn ? `${type!.split(":").pop()}/${name}` : "stack", message: d.message };
};

describe("every policy over the Analyzer protocol", () => {
  it("has a rejected stack here for each policy of the pack", () => {
    expect(Object.keys(REJECTED).sort()).toEqual(POLICIES.map((p) => p.name).sort());
  });

  for (const p of POLICIES) {
    it(`${p.name}: the pack served as the CLI runs it reports what the policy reports in-process`, async () => {
      const objects = REJECTED[p.name]!();
      const expected = await evaluate(objects, {}, p.name);
      expect(expected.length).toBeGreaterThan(0);
      const run = await runPolicies(pack, { stack: "test", project: "rightsize", resources: asResources(objects) });
      expect(run.diagnostics.filter((d) => d.policy === p.name).map(asFinding)).toEqual(expected);
      expect(run.diagnostics.every((d) => d.policy === p.name)).toBe(true);
    });
  }
});
