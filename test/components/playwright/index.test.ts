import { beforeAll, describe, expect, it } from "vitest";
import { PlaywrightService } from "../../../components/playwright";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, set, valid } from "../../helpers/stack";

describe("PlaywrightService under mocks", () => {
  let objects: K8sObject[];
  let shm: K8sObject[];
  beforeAll(async () => {
    useMocks();
    const c = valid(set(baseValues(), "playwright", { replicas: 2 })).playwright!;
    objects = (await collect(() => new PlaywrightService("playwright", { namespace: "ns", config: c, image: "ghcr.io/browserless/chromium:v2.38.2" }))).objects;
    const m = valid(set(baseValues(), "playwright", { shm: { mode: "memory", size: "128Mi" } })).playwright!;
    shm = (await collect(() => new PlaywrightService("browser", { namespace: "ns2", config: m, image: "ghcr.io/browserless/chromium:v2.38.2" }))).objects;
  });

  it("creates a Deployment, a Service on 3000, a PDB and an ingress rule for app clients", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["Deployment/playwright", "NetworkPolicy/playwright-allow", "PodDisruptionBudget/playwright", "Service/playwright"].sort(),
    );
    expect(find(objects, "Service", "playwright").spec.ports).toEqual([{ name: "http", port: 3000, targetPort: "http", protocol: "TCP" }]);
    expect(find(objects, "NetworkPolicy", "playwright-allow").spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { "rightsize.io/app-client": "true" } } }], ports: [{ protocol: "TCP", port: 3000 }] },
    ]);
  });

  it("passes the derived settings as the service's environment and records them", () => {
    const d = find(objects, "Deployment", "playwright");
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toEqual({ PORT: "3000", HOST: "0.0.0.0", NODE_OPTIONS: "--max-old-space-size=614", CONCURRENT: "4", QUEUED: "8", TIMEOUT: "120000" });
    expect(d.metadata!.annotations!["rightsize.io/component"]).toBe("playwright");
    expect(JSON.parse(d.metadata!.annotations!["rightsize.io/tuning"]!).args).toContain("--disable-dev-shm-usage");
  });

  it("reaps zombies through a shared process namespace and lets sessions reach their timeout", () => {
    const pod = find(objects, "Deployment", "playwright").spec.template.spec;
    expect(pod.shareProcessNamespace).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(130);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
  });

  it("probes an HTTP path that never launches a browser", () => {
    const c = find(objects, "Deployment", "playwright").spec.template.spec.containers[0];
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(p.httpGet).toEqual({ path: "/active", port: "http" });
  });

  it("without a memory-backed shm nothing is mounted on /dev/shm; with one it carries its size", () => {
    const vols = find(objects, "Deployment", "playwright").spec.template.spec.volumes;
    expect(vols.some((v: { emptyDir?: { medium?: string } }) => v.emptyDir?.medium === "Memory")).toBe(false);
    const pod = find(shm, "Deployment", "browser").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "128Mi" } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
  });
});
