import { beforeAll, describe, expect, it } from "vitest";
import { ExtraService } from "../../../components/extras";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, problems, set, valid } from "../../helpers/stack";

const resources = { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } };
const mailpit = {
  image: "axllent/mailpit:v1.24.1",
  port: 8025,
  extraPorts: { smtp: 1025 },
  resources,
  probes: { readiness: { path: "/readyz" }, liveness: { path: "/livez", periodSeconds: 30 } },
};
const flower = {
  image: "mher/flower:2.0.1",
  port: 5555,
  env: { CELERY_BROKER_URL: "redis://:$(REDIS_PASSWORD)@redis-broker:6379/0" },
  secretEnv: { REDIS_PASSWORD: { secret: "redis-broker-credentials", key: "password" } },
  appClient: true,
  allowFrom: "none",
  replicas: 2,
  resources,
  probes: { readiness: { path: "/healthcheck" }, liveness: { tcp: true } },
};
const withExtras = (extras: Record<string, unknown>) => set(baseValues(), "extras", extras);

describe("extras config", () => {
  it("requires resources and probes, with no defaults", () => {
    expect(problems(withExtras({ flower: { image: "mher/flower:2.0.1", port: 5555 } }))).toEqual(["extras.flower.resources: is required", "extras.flower.probes: is required"]);
    expect(problems(withExtras({ flower: { ...flower, resources: { requests: { cpu: "20m" }, limits: resources.limits } } }))).toEqual([
      "extras.flower.resources.requests.memory: is required",
    ]);
    expect(problems(withExtras({ flower: { ...flower, probes: { readiness: { path: "/healthcheck" } } } }))).toEqual(["extras.flower.probes.liveness: is required"]);
  });

  it("wants a pinned image, exactly one probe action, a port for network probes, and a free name", () => {
    expect(problems(withExtras({ flower: { ...flower, image: "mher/flower:latest" } }))).toEqual([
      'extras.flower.image: image uses the tag `latest`: pin a version tag or a digest (got "mher/flower:latest")',
    ]);
    expect(problems(withExtras({ w: { ...flower, port: undefined, probes: { readiness: { path: "/h", exec: ["true"] }, liveness: { tcp: true } } } }))).toEqual([
      'extras.w.probes.readiness: must have exactly one of path, tcp: true or exec (got {"path":"/h","exec":["true"],"periodSeconds":10,"timeoutSeconds":5,"failureTh...)',
      "extras.w.probes.liveness.port: is required when the extra has no port",
    ]);
    expect(problems(withExtras({ "celery-worker-x": mailpit }))).toEqual([
      "extras.celery-worker-x: the name is taken by a rightsize component (reserved: web, playwright, postgres, pgbouncer, redis-broker, redis-cache, meilisearch, celery-beat, celery-config, celery-worker-*)",
    ]);
  });

  it("accepts Mailpit and Flower", () => {
    expect(problems(withExtras({ mailpit, flower }))).toEqual([]);
  });
});

describe("ExtraService under mocks", () => {
  let m: K8sObject[];
  let f: K8sObject[];
  beforeAll(async () => {
    useMocks();
    const c = valid(withExtras({ mailpit, flower }));
    m = (await collect(() => new ExtraService("mailpit", { namespace: "ns", config: c.extras.mailpit! }))).objects;
    f = (await collect(() => new ExtraService("flower", { namespace: "ns", config: c.extras.flower! }))).objects;
  });

  it("Mailpit: a Deployment, a Service with both ports, an ingress rule for app clients", () => {
    expect(m.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(["Deployment/mailpit", "NetworkPolicy/mailpit-allow", "Service/mailpit"]);
    expect(find(m, "Service", "mailpit").spec.ports).toEqual([
      { name: "main", port: 8025, targetPort: "main", protocol: "TCP" },
      { name: "smtp", port: 1025, targetPort: "smtp", protocol: "TCP" },
    ]);
    const c = find(m, "Deployment", "mailpit").spec.template.spec.containers[0];
    expect(c.resources).toEqual(resources);
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/readyz", port: 8025 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: "/livez", port: 8025 }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toEqual([{ name: "writable-0", mountPath: "/tmp" }]);
    const d = find(m, "Deployment", "mailpit");
    expect(d.metadata!.annotations!["rightsize.io/component"]).toBe("extra");
    expect(JSON.parse(d.metadata!.annotations!["rightsize.io/tuning"]!)).toEqual({ image: "axllent/mailpit:v1.24.1", port: 8025, replicas: 1 });
  });

  it("Flower: secret env first, app-client label, no ingress rule, a PDB for two replicas", () => {
    expect(f.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(["Deployment/flower", "PodDisruptionBudget/flower", "Service/flower"]);
    const d = find(f, "Deployment", "flower");
    expect(d.spec.template.metadata.labels["rightsize.io/app-client"]).toBe("true");
    expect(d.spec.template.spec.containers[0].env).toEqual([
      { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-broker-credentials", key: "password" } } },
      { name: "CELERY_BROKER_URL", value: "redis://:$(REDIS_PASSWORD)@redis-broker:6379/0" },
    ]);
    expect(d.spec.template.spec.containers[0].livenessProbe.tcpSocket).toEqual({ port: 5555 });
  });
});
