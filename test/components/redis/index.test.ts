import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "../../../components/redis";
import { REDIS } from "../../../components/shared/endpoints";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, DEFAULT_BROKER_TUNING, DEV_SECRETS, set, valid } from "../../helpers/stack";

describe("Redis under mocks", () => {
  let broker: K8sObject[];
  let cache: K8sObject[];
  let shared: K8sObject[];
  const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
  const image = "redis:7.0.15-bookworm";
  beforeAll(async () => {
    useMocks();
    const b = REDIS.broker;
    broker = (await collect(() => new Redis(b.name, { namespace: "ns", config: valid().redis.broker, image, secretName: b.secret, passwordKey: b.passwordKey, configKey: "redis.broker" }))).objects;
    const withCache = valid(set(baseValues(), "redis.cache", { password: DEV_SECRETS.redisCache }));
    cache = (await collect(() => new Redis(REDIS.cache.name, { namespace: "ns", config: withCache.redis.cache!, image, configKey: "redis.cache" }))).objects;
    const sharedCfg = valid(set(baseValues(), "redis.broker.role", "shared")).redis.broker;
    shared = (await collect(() => new Redis("redis-shared", { namespace: "ns", config: sharedCfg, image, configKey: "redis.broker" }))).objects;
  });
  afterAll(() => warn.mockRestore());
  const sts = (objs: K8sObject[], name: string) => find(objs, "StatefulSet", name);
  const container = () => sts(broker, "redis-broker").spec.template.spec.containers[0];

  it("creates a StatefulSet with a headless Service of the same name, the Secret, ConfigMap and allow rule", () => {
    expect(broker.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["ConfigMap/redis-broker-config", "NetworkPolicy/redis-broker-allow", "Secret/redis-broker-credentials", "Service/redis-broker", "StatefulSet/redis-broker"].sort(),
    );
    expect(find(broker, "Service", "redis-broker").spec).toMatchObject({ clusterIP: "None", ports: [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }] });
    expect(sts(broker, "redis-broker").spec).toMatchObject({ serviceName: "redis-broker", replicas: 1 });
  });

  it("records role and tuning as redis.conf spells them", () => {
    const a = sts(broker, "redis-broker").metadata!.annotations!;
    expect(a["rightsize.io/component"]).toBe("redis");
    expect(a["rightsize.io/role"]).toBe("broker");
    expect(JSON.parse(a["rightsize.io/tuning"]!)).toEqual(DEFAULT_BROKER_TUNING);
  });

  it("writes redis.conf without the password and includes it from the Secret", () => {
    const conf = (find(broker, "ConfigMap", "redis-broker-config") as { data: Record<string, string> }).data["redis.conf"]!;
    expect(conf).toContain("maxmemory 307mb\n");
    expect(conf).toContain("include /etc/redis-auth/auth.conf\n");
    expect(conf).not.toContain("requirepass");
    expect(container().command).toEqual(["redis-server", "/etc/redis/redis.conf"]);
    expect(sts(broker, "redis-broker").spec.template.spec.volumes).toContainEqual({
      name: "auth",
      secret: { secretName: "redis-broker-credentials", items: [{ key: "auth.conf", path: "auth.conf" }], defaultMode: 0o440 },
    });
    expect((find(broker, "Secret", "redis-broker-credentials") as { stringData: Record<string, string> }).stringData).toEqual({
      password: "(secret)",
      "auth.conf": "(secret)",
    });
  });

  it("liveness accepts LOADING, readiness only PONG; redis-cli authenticates from the Secret", () => {
    const c = container();
    expect(c.livenessProbe.exec.command[2]).toContain("PONG|LOADING*) exit 0");
    expect(c.startupProbe.exec.command).toEqual(c.livenessProbe.exec.command);
    expect(c.readinessProbe.exec.command[2]).toContain('[ "$r" = PONG ]');
    expect(c.readinessProbe.exec.command[2]).not.toContain("LOADING");
    expect(c.env).toEqual([{ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: "redis-broker-credentials", key: "password" } } }]);
  });

  it("runs as the image's redis user, memory request = limit, with a claim for the AOF", () => {
    const pod = sts(broker, "redis-broker").spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 });
    expect(container().securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container().resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    expect(sts(broker, "redis-broker").spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("2Gi");
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  it("a cache without persistence gets no claim, and allkeys-lru", () => {
    const s = sts(cache, "redis-cache");
    expect(s.spec.volumeClaimTemplates).toBeUndefined();
    expect(s.spec.template.spec.volumes).toContainEqual({ name: "data", emptyDir: { sizeLimit: "64Mi" } });
    expect(s.metadata!.annotations!["rightsize.io/role"]).toBe("cache");
    expect(JSON.parse(s.metadata!.annotations!["rightsize.io/tuning"]!)).toMatchObject({ "maxmemory-policy": "allkeys-lru", appendonly: "no", maxmemory: 409 * 1024 ** 2 });
  });

  it("a shared instance warns in the plan and says so in its role", () => {
    expect(sts(shared, "redis-shared").metadata!.annotations!["rightsize.io/role"]).toBe("shared");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/^redis-shared: role shared uses volatile-lru: only keys with a TTL are evicted/);
  });

  it("lets in only the app's pods, and leaks no password", () => {
    expect(find(broker, "NetworkPolicy", "redis-broker-allow").spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { "rightsize.io/app-client": "true" } } }], ports: [{ protocol: "TCP", port: 6379 }] },
    ]);
    const all = JSON.stringify([...broker, ...cache, ...shared]);
    expect(all).not.toContain(DEV_SECRETS.redisBroker);
    expect(all).not.toContain(DEV_SECRETS.redisCache);
  });
});
