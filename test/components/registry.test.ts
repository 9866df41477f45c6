// The descriptors and the platform agree: every workload the platform renders is one a descriptor names,
// under the same object name, carrying that descriptor's kind and config key; and no descriptor names a
// workload the platform does not render.
import { beforeAll, describe, expect, it } from "vitest";
import { Platform } from "../../components/platform";
import { credentialPaths, descriptorOf, stackWorkloads } from "../../components/registry";
import { ANNOTATION } from "../../model/annotations";
import type { K8sObject } from "../../model/k8s";
import { collect, useMocks } from "../helpers/mocks";
import { baseValues, DEV_SECRETS, set, valid } from "../helpers/stack";

function everyComponent() {
  let v = baseValues();
  v = set(v, "redis.cache", { password: DEV_SECRETS.redisCache });
  v = set(v, "celery", { workers: { default: {}, reports: { queues: ["reports"] } } });
  v = set(v, "playwright", {});
  const extra = (enabled: boolean) => ({
    image: "axllent/mailpit:v1.24.1",
    port: 8025,
    enabled,
    resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
    probes: { readiness: { path: "/livez" }, liveness: { path: "/livez" } },
  });
  v = set(v, "extras", { mailpit: extra(true), off: extra(false) });
  return v;
}

describe("components/registry", () => {
  const config = valid(everyComponent());
  let workloads: K8sObject[];
  beforeAll(async () => {
    useMocks();
    const { objects } = await collect(() => new Platform("rightsize", { config }));
    workloads = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
  });

  it("names exactly the workloads the platform renders, with their kind and config key", () => {
    const rendered = workloads.map((o) => ({
      name: o.metadata!.name,
      kind: o.metadata!.annotations![ANNOTATION.component],
      configKey: o.metadata!.annotations![ANNOTATION.configKey],
    }));
    const described = stackWorkloads(config).map(({ descriptor, workload }) => ({ name: workload.name, kind: descriptor.kind, configKey: workload.configKey }));
    const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? "").localeCompare(b.name ?? "");
    expect(rendered.sort(byName)).toEqual(described.sort(byName));
    expect(described.map((d) => d.configKey)).toEqual(
      expect.arrayContaining(["web", "postgres", "redis.broker", "redis.cache", "meilisearch", "playwright", "celery.workers.default", "celery.workers.reports", "celery.beat", "extras.mailpit"]),
    );
    expect(described.map((d) => d.name)).not.toContain("off");
  });

  it("finds each rendered workload's descriptor by its component annotation", () => {
    for (const o of workloads) expect(descriptorOf(o.metadata!.annotations![ANNOTATION.component])?.kind).toBe(o.metadata!.annotations![ANNOTATION.component]);
    expect(descriptorOf("rabbitmq")).toBeUndefined();
  });

  it("lists the credentials each component requires, the cache's only when there is one", () => {
    expect(credentialPaths(everyComponent())).toEqual(["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]);
    expect(credentialPaths(baseValues())).toEqual(["postgres.password", "redis.broker.password", "meilisearch.masterKey"]);
  });
});
