// `pulumi up -s dev` and `-s prod` with the real CLI and the real Kubernetes provider on a real control
// plane: everything converges, a second `up` is a no-op, the ResourceQuota carrying the budget is enforced
// by the real admission, prod runs on credentials set with `pulumi config set --secret`, and `pulumi
// destroy` removes what it made.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingObjects, pods, servicesWithoutEndpoints, unready } from "./checks";
import { claimsOf, createVolumes, setNodes } from "./kube";
import { BUDGET_QUOTA_NAME as QUOTA } from "../../model/budget";
import { ok, pulumi } from "./pulumi";
import { previewSteps } from "./preview";
import { checkExternalCluster, cleanUpExternal, planJson, renderObjects, renderTo, type TestCluster, testCluster, unavailable } from "./setup";

const why = unavailable();
if (why) console.warn(`SKIPPING ${why}`);

describe.skipIf(why !== undefined).sequential("pulumi up on a real control plane", () => {
  let c: TestCluster;
  const fail = (e: unknown) => {
    throw new Error(`${(e as Error).message}\n--- control plane ---\n${c.logs()}`);
  };

  beforeAll(async () => {
    c = await testCluster("deploy");
    for (const stack of ["dev", "prod"]) ok(await pulumi(c.project, ["stack", "init", stack, "--secrets-provider", "passphrase"]), `stack init ${stack}`);
    if (c.external) for (const stack of ["dev", "prod"]) ok(await pulumi(c.project, ["config", "set", "kubernetes:context", c.context, "-s", stack]), "config set context");
  }, 300_000);
  afterAll(async () => {
    // on a cluster of the user's, nothing of the suite's stays: a test that failed half way leaves its stack
    const left = c?.external ? await cleanUpExternal(c, ["dev", "prod"], namespaces) : [];
    await c?.stop();
    if (left.length > 0) throw new Error(`--kubeconfig: left on context ${c.context}:\n${left.join("\n")}`);
  }, 900_000);

  const namespaces: string[] = [];

  async function prepare(stack: string, extra: string[] = []): Promise<{ namespace: string; objects: ReturnType<typeof renderObjects> }> {
    const { plan } = planJson(c.project.project, stack, extra);
    const objects = renderObjects(c.project.project, stack, extra);
    const ns = objects.find((o) => o.kind === "Namespace")?.metadata.name;
    if (!ns) throw new Error(`${stack} renders no Namespace`);
    if (c.external) {
      // the nodes, the StorageClass and the CRDs are the cluster's own: checked, never changed
      checkExternalCluster(c, stack, plan, objects);
      namespaces.push(ns);
    } else {
      setNodes(c.kube, plan.budget);
      createVolumes(c.kube, claimsOf(objects, ns));
    }
    return { namespace: ns, objects };
  }

  function expectConverged(namespace: string, objects: ReturnType<typeof renderObjects>): void {
    expect(missingObjects(c.kube, objects)).toEqual([]);
    expect(unready(c.kube, namespace)).toEqual([]);
    expect(servicesWithoutEndpoints(c.kube, namespace)).toEqual([]);
    const notBound = pods(c.kube, namespace).filter((p) => !p.node || p.phase !== "Running");
    expect(notBound).toEqual([]);
  }

  let devNs = "";
  it("pulumi up -s dev converges: every object, ready workloads, Services with endpoints", async () => {
    const { namespace, objects } = await prepare("dev");
    devNs = namespace;
    const up = await pulumi(c.project, ["up", "-s", "dev", "--yes", "--skip-preview"], { timeoutSeconds: 900 });
    try {
      ok(up, "pulumi up -s dev");
    } catch (e) {
      fail(e);
    }
    expect(up.stdout).toMatch(/Resources:\s*\n\s*\+ \d+ created/);
    expectConverged(namespace, objects);
  }, 1_000_000);

  it("a second pulumi up -s dev changes nothing", async () => {
    const again = await pulumi(c.project, ["up", "-s", "dev", "--yes", "--expect-no-changes"], { timeoutSeconds: 600 });
    ok(again, "pulumi up -s dev (again, --expect-no-changes)");
    expect(again.stdout).toMatch(/\d+ unchanged/);
    expect(again.stdout).not.toMatch(/[~+-] \d+ (updated|created|deleted|replaced)/);
  }, 700_000);

  it("pulumi config set --path on web's per-worker memory: preview shows the derived tuning change, and up applies plan's value", async () => {
    const before = planJson(c.project.project, "dev").plan.workloads.find((w) => w.name === "web")?.tuning.workers;
    ok(await pulumi(c.project, ["config", "set", "--path", "web.gunicorn.workerMemory", "400Mi", "-s", "dev"]), "config set --path");
    const after = planJson(c.project.project, "dev").plan.workloads.find((w) => w.name === "web")?.tuning.workers;
    expect(after).not.toBe(before);
    const preview = ok(await pulumi(c.project, ["preview", "-s", "dev", "--json"], { timeoutSeconds: 600 }), "pulumi preview --json");
    const changed = previewSteps(preview).filter((s) => s.op !== "same");
    // the gunicorn config (a ConfigMap, replaced) and the web Deployment (its limit, its config hash)
    expect(changed.some((s) => s.kind === "Deployment" && s.name === "web")).toBe(true);
    expect(changed.some((s) => s.kind === "ConfigMap" && /web/.test(s.name) && s.op.includes("replace"))).toBe(true);
    ok(await pulumi(c.project, ["up", "-s", "dev", "--yes", "--skip-preview"], { timeoutSeconds: 900 }), "pulumi up after the edit");
    const out = ok(await pulumi(c.project, ["stack", "output", "gunicornWorkers", "-s", "dev", "--json"]), "stack output");
    expect(JSON.parse(out)).toBe(after);
    expect(unready(c.kube, devNs)).toEqual([]);
  }, 1_600_000);

  it("the storage-size edit plan --base calls a replacement is a replacement in the real preview", async () => {
    const base = join(c.dir, "render-before-storage");
    renderTo(c.project.project, "dev", base);
    ok(await pulumi(c.project, ["config", "set", "--path", "postgres.storage.size", "30Gi", "-s", "dev"]), "config set --path storage");
    const { plan } = planJson(c.project.project, "dev", ["--base", base, "--acknowledge", "StatefulSet/postgres"]);
    const planned = ((plan as unknown as { changes: { objects: Array<{ object: string; action: string }> } }).changes.objects ?? [])
      .filter((o) => /replace/i.test(o.action))
      .map((o) => o.object)
      .sort();
    expect(planned).toContain("StatefulSet/postgres");
    const preview = await pulumi(c.project, ["preview", "-s", "dev", "--json"], { timeoutSeconds: 600 });
    if (c.fromSourceProvider) {
      // The provider built here (provider/v4 f47bc2d6f199, January 2026) predates pulumi-kubernetes#4328's
      // fix: its preview sends the claim-template change to the server as an update, which the API refuses.
      // On a newer provider (the official plugin an official CLI downloads) the branch below holds instead.
      expect(preview.code).toBe(1);
      expect(preview.stdout).toContain('StatefulSet.apps \\"postgres\\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than');
    } else {
      const replaced = [...new Set(previewSteps(ok(preview, "pulumi preview --json")).filter((s) => s.op === "replace").map((s) => `${s.kind}/${s.name}`))].sort();
      expect(replaced).toEqual(planned);
    }
    // put it back so destroy runs on what is deployed
    ok(await pulumi(c.project, ["config", "set", "--path", "postgres.storage.size", "20Gi", "-s", "dev"]), "config set --path storage back");
  }, 900_000);

  it("the budget's ResourceQuota is enforced by the real admission", () => {
    const quota = c.kube.json<{ status: { hard: Record<string, string>; used: Record<string, string> } }>(["get", "resourcequota", QUOTA, "-n", devNs]);
    expect(Object.keys(quota.status.hard).length).toBeGreaterThan(0);
    expect(quota.status.used).toBeDefined();
    // a pod asking for the whole quota's CPU on top of what runs must be refused by the quota admission
    const hardCpu = quota.status.hard["requests.cpu"] ?? quota.status.hard.cpu;
    expect(hardCpu).toBeDefined();
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "over-budget", namespace: devNs },
      spec: {
        // what the namespace's restricted Pod Security level asks, so the quota is the one thing refused
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "c",
            image: "registry.example.com/x:1",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            resources: { requests: { cpu: hardCpu, memory: "1Mi" }, limits: { cpu: hardCpu, memory: "1Mi" } },
          },
        ],
      },
    };
    const r = c.kube.run(["create", "-f", "-"], JSON.stringify(pod));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`exceeded quota: ${QUOTA}`));
  });

  it("pulumi destroy -s dev removes every object it made; the volumes stay (Retain)", async () => {
    ok(await pulumi(c.project, ["destroy", "-s", "dev", "--yes"], { timeoutSeconds: 600 }), "pulumi destroy -s dev");
    const ns = c.kube.run(["get", "namespace", devNs, "-o", "jsonpath={.status.phase}"]);
    // the Namespace is the program's: it goes, and the namespace controller removes what is left in it
    expect(ns.code === 0 ? ns.stdout : "gone").toMatch(/gone|Terminating/);
    if (!c.external) {
      const pvs = c.kube.json<{ items: Array<{ metadata: { name: string }; status: { phase: string } }> }>(["get", "pv"]);
      expect(pvs.items.filter((p) => p.metadata.name.startsWith(`pv-${devNs}-`)).length).toBeGreaterThan(0);
    }
  }, 700_000);

  it("pulumi up -s prod stops naming each credential that is not set", async () => {
    const r = await pulumi(c.project, ["up", "-s", "prod", "--yes", "--skip-preview"], { timeoutSeconds: 600 });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("postgres.password: is required");
  }, 700_000);

  it("pulumi up -s prod converges on credentials set with pulumi config set --secret", async () => {
    for (const key of ["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]) {
      ok(await pulumi(c.project, ["config", "set", "--secret", "--path", key, `test-only-${key.replace(/\W/g, "-")}-0123456789`, "-s", "prod"]), `config set --secret ${key}`);
    }
    const { readFileSync } = await import("node:fs");
    const file = readFileSync(`${c.project.project}/Pulumi.prod.yaml`, "utf8");
    expect(file).toMatch(/password:\s*\n\s*secure: /);
    expect(file).not.toContain("test-only-postgres");
    const { namespace, objects } = await prepare("prod");
    const up = await pulumi(c.project, ["up", "-s", "prod", "--yes", "--skip-preview", "--policy-pack", "policies", "--policy-pack-config", "policy-config/prod.json"], { timeoutSeconds: 900 });
    try {
      ok(up, "pulumi up -s prod");
    } catch (e) {
      fail(e);
    }
    expectConverged(namespace, objects);
    // the Secret holds the value set, decrypted by the engine, not the placeholder plan uses
    const secret = c.kube.json<{ data: Record<string, string> }>(["get", "secret", "postgres-credentials", "-n", namespace]);
    expect(Buffer.from(secret.data.password ?? "", "base64").toString()).toBe("test-only-postgres-password-0123456789");
    ok(await pulumi(c.project, ["destroy", "-s", "prod", "--yes"], { timeoutSeconds: 600 }), "pulumi destroy -s prod");
  }, 2_000_000);
});
