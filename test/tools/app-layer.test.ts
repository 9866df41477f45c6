// The app layer through the offline tools' library: plan and render on the shipped stacks.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { violatesMandatory } from "../../tools/capacity/plan-stack";
import { StackConfigInvalid } from "../../tools/harness/errors";
import { writeManifests } from "../../tools/harness/manifests";
import { renderText } from "../../tools/plan/report";
import { objectsOf, usePlanner } from "../helpers/plan";
import { shippedStack, stackDir } from "../helpers/run";

interface W {
  name: string;
  component: string;
  replicas: number;
  maxReplicas: number;
  tuning: Record<string, unknown>;
}

const devYaml = shippedStack("dev");
const planner = usePlanner();

/** A render folder, as `npm run render` writes it. */
async function rendered(stack: string, dir?: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "rightsize-render-"));
  writeManifests(await objectsOf(stack, dir ? { dir } : {}), out);
  return out;
}


describe("plan: the app layer on the shipped stacks", () => {
  const plans: Record<string, { workloads: W[]; budget: { allocatable: { cpuMillis: number; memoryBytes: number } }; totals: { rolloutPeak: { cpuMillis: number; memoryBytes: number } }; packing: { fits: boolean }; appImage: unknown }> = {};
  beforeAll(async () => {
    for (const stack of ["dev", "prod"]) {
      const { plan } = await planner.plan(stack);
      expect(violatesMandatory(plan)).toBe(false);
      plans[stack] = JSON.parse(JSON.stringify(plan));
    }
  });

  it("dev runs every service, extras included, and fits with room for a rolling update", () => {
    const p = plans.dev!;
    expect(p.workloads.map((w) => w.name).sort()).toEqual(
      ["celery-beat", "celery-worker-default", "firecrawl-api", "firecrawl-worker", "flower", "frontend", "mailpit", "meilisearch", "pgbouncer", "playwright", "postgres", "redis-broker", "web"].sort(),
    );
    expect(p.packing.fits).toBe(true);
    // Every service, data layer included, fits the one node even at a rollout's peak.
    expect(p.totals.rolloutPeak.cpuMillis).toBeLessThanOrEqual(p.budget.allocatable.cpuMillis);
    expect(p.totals.rolloutPeak.memoryBytes).toBeLessThanOrEqual(p.budget.allocatable.memoryBytes);
    expect(p.appImage).toEqual({ source: "pinned", refs: ["registry.example.com/rightsize/app:1.0.0"] });
  });

  it("dev's worker is the seed's, corrected", () => {
    const w = plans.dev!.workloads.find((x) => x.name === "celery-worker-default")!;
    expect(w.component).toBe("celery-worker");
    expect(w.tuning).toMatchObject({
      worker_concurrency: 6,
      worker_max_memory_per_child: 218862,
      worker_prefetch_multiplier: 1,
      task_time_limit: 3600,
      task_soft_time_limit: 3300,
      visibility_timeout: 7200,
    });
    const pw = plans.dev!.workloads.find((x) => x.name === "playwright")!;
    expect(pw.tuning).toMatchObject({ NODE_OPTIONS: "--max-old-space-size=512", CONCURRENT: 3, shm_bytes: 0 });
  });

  it("prod: 2-6 web replicas under an HPA, a pool per queue, one beat, no Mailpit or Flower", () => {
    const p = plans.prod!;
    const web = p.workloads.find((w) => w.name === "web")!;
    expect([web.replicas, web.maxReplicas]).toEqual([2, 6]);
    const pools = p.workloads.filter((w) => w.component === "celery-worker");
    expect(pools.map((w) => [w.name, w.tuning.queues])).toEqual([
      ["celery-worker-default", ["default"]],
      ["celery-worker-scraping", ["scraping"]],
    ]);
    expect(p.workloads.filter((w) => w.component === "celery-beat").map((w) => w.replicas)).toEqual([1]);
    expect(p.workloads.some((w) => w.name === "mailpit" || w.name === "flower")).toBe(false);
    expect(p.packing.fits).toBe(true);
  });

  it("a build spec plans offline: no violation, reported as not built", async () => {
    const yaml = devYaml.replace(
      "    app: registry.example.com/rightsize/app:1.0.0",
      "    app:\n      build:\n        repository: registry.example.com/rightsize/app\n        context: .\n        dockerfile: Dockerfile",
    );
    expect(yaml).not.toBe(devYaml);
    const dir = stackDir("built", yaml);
    const { plan } = await planner.plan("built", { dir });
    expect(violatesMandatory(plan)).toBe(false);
    expect(renderText(plan, "Pulumi.built.yaml")).toContain(
      "App image: build spec, not built offline: workloads show a placeholder digest of zeros (web -> registry.example.com/rightsize/app:web, worker -> registry.example.com/rightsize/app:worker)",
    );
    const out = await rendered("built", dir);
    const image = (f: string) => parse(readFileSync(join(out, f), "utf8")).spec.template.spec.containers[0].image;
    expect(image("deployment-web.yaml")).toBe(`registry.example.com/rightsize/app@sha256:${"0".repeat(64)}`);
    expect(image("deployment-celery-worker-default.yaml")).toBe(`registry.example.com/rightsize/app@sha256:${"0".repeat(64)}`);
  });

  it("rejects Celery's visibility timeout equal to the hard time limit, naming the key", async () => {
    const yaml = devYaml.replace("    taskEvents: true\n", "    taskEvents: true\n    visibilityTimeout: 3600\n");
    expect(yaml).not.toBe(devYaml);
    const e = await planner.plan("bad", { dir: stackDir("bad", yaml) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StackConfigInvalid);
    expect((e as Error).message).toContain("celery.visibilityTimeout: 3600 s does not exceed task_time_limit 3600 s of celery.workers.default");
  });
});

// The kinds the app layer renders, checked against the Kubernetes OpenAPI schema (kubernetes-models).
async function validators(): Promise<Record<string, new (o: unknown) => { validate(): void }>> {
  return {
    Deployment: (await import("kubernetes-models/apps/v1/Deployment")).Deployment,
    Service: (await import("kubernetes-models/v1/Service")).Service,
    ConfigMap: (await import("kubernetes-models/v1/ConfigMap")).ConfigMap,
    NetworkPolicy: (await import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy")).NetworkPolicy,
    PodDisruptionBudget: (await import("kubernetes-models/policy/v1/PodDisruptionBudget")).PodDisruptionBudget,
    PersistentVolumeClaim: (await import("kubernetes-models/v1/PersistentVolumeClaim")).PersistentVolumeClaim,
  } as never;
}

describe("render: the app layer's objects", () => {
  it("dev's Deployments, Services, ConfigMaps, NetworkPolicies and PDBs validate against the Kubernetes schema", async () => {
    const out = await rendered("dev");
    const v = await validators();
    const checked: string[] = [];
    for (const f of readdirSync(out)) {
      const o = parse(readFileSync(join(out, f), "utf8"));
      const K = v[o.kind];
      if (!K) continue;
      expect(() => new K(o).validate(), f).not.toThrow();
      checked.push(f);
    }
    expect(checked).toEqual(expect.arrayContaining(["deployment-celery-beat.yaml", "deployment-playwright.yaml", "deployment-mailpit.yaml", "configmap-celery-config.yaml"]));
  });

  it("writes the Celery ConfigMap, beat, pools, the browser service and extras for prod", async () => {
    const out = await rendered("prod");
    const files = readdirSync(out);
    expect(files).toEqual(
      expect.arrayContaining([
        "configmap-celery-config.yaml",
        "deployment-celery-beat.yaml",
        "deployment-celery-worker-default.yaml",
        "deployment-celery-worker-scraping.yaml",
        "deployment-playwright.yaml",
        "service-playwright.yaml",
        "deployment-frontend.yaml",
        "deployment-firecrawl-api.yaml",
      ]),
    );
    expect(files).not.toContain("deployment-flower.yaml");
    const web = parse(readFileSync(join(out, "deployment-web.yaml"), "utf8")).spec.template.spec;
    // Web loads the same settings module to send tasks.
    expect(web.volumes).toContainEqual({ name: "celery-config", configMap: { name: "celery-config" } });
    expect(web.containers[0].env).toContainEqual({ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-broker-credentials", key: "password" } } });
  });
});
