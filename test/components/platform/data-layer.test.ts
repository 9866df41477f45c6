import { beforeAll, describe, expect, it } from "vitest";
import { Platform } from "../../../components/platform";
import { MEILISEARCH, POSTGRES, REDIS } from "../../../components/shared/endpoints";
import { ANNOTATION } from "../../../model/annotations";
import { add, ZERO } from "../../../model/budget";
import { podRequests } from "../../../model/reservations";
import { type K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, DEV_SECRETS, set, valid } from "../../helpers/stack";

describe("the platform's data layer", () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    useMocks();
    const config = valid(set(baseValues(), "redis.cache", { password: DEV_SECRETS.redisCache }));
    objects = (await collect(() => new Platform("rightsize", { config }))).objects;
  });

  it("uses the Service and Secret names the app's components connect to", () => {
    for (const name of [POSTGRES.name, REDIS.broker.name, REDIS.cache.name, MEILISEARCH.name]) {
      expect(find(objects, "Service", name).spec.clusterIP).toBe("None");
      expect(find(objects, "StatefulSet", name).spec.serviceName).toBe(name);
    }
    for (const secret of [POSTGRES.secret, REDIS.broker.secret, REDIS.cache.secret, MEILISEARCH.secret]) find(objects, "Secret", secret);
  });

  it("gives each data workload its component, tuning and (Redis) role", () => {
    const ann = (name: string) => find(objects, "StatefulSet", name).metadata!.annotations!;
    expect(ann(POSTGRES.name)[ANNOTATION.component]).toBe("postgres");
    expect(ann(REDIS.broker.name)[ANNOTATION.role]).toBe("broker");
    expect(ann(REDIS.cache.name)[ANNOTATION.role]).toBe("cache");
    expect(ann(MEILISEARCH.name)[ANNOTATION.component]).toBe("meilisearch");
    for (const name of [POSTGRES.name, REDIS.broker.name, REDIS.cache.name, MEILISEARCH.name]) expect(Object.keys(JSON.parse(ann(name)[ANNOTATION.tuning]!)).length).toBeGreaterThan(3);
  });

  it("keeps the data layer's requests within 3.5 CPU and 4.5Gi at the default sizes, leaving the app layer room", () => {
    const sum = [POSTGRES.name, REDIS.broker.name, REDIS.cache.name, MEILISEARCH.name]
      .map((n) => podRequests(find(objects, "StatefulSet", n).spec.template.spec))
      .reduce(add, ZERO);
    // postgres 1 / 1.5Gi + two Redis 250m / 512Mi + meilisearch 500m / 1Gi
    expect(sum).toEqual({ cpuMillis: 2000, memoryBytes: 3.5 * 1024 ** 3 });
  });

  it("holds no credential in any ConfigMap, annotation or env literal", () => {
    const text = JSON.stringify(objects);
    for (const s of Object.values(DEV_SECRETS)) expect(text).not.toContain(s);
    for (const o of objects.filter((x) => x.kind === "Secret")) {
      for (const v of Object.values((o as { stringData: Record<string, string> }).stringData)) expect(v).toBe("(secret)");
    }
  });

  it("connects web to Postgres from its Secret through PgBouncer (the baseline's demand does not fit 1.5Gi at work_mem 4MB), with the pool sizes max_client_conn was checked against", () => {
    const env = find(objects, "Deployment", "web").spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.POSTGRES_PASSWORD!.valueFrom).toEqual({ secretKeyRef: { name: POSTGRES.secret, key: POSTGRES.keys.password } });
    expect(byName.POSTGRES_HOST!.value).toBe("pgbouncer");
    expect(byName.DATABASE_URL!.value).toBe("postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@pgbouncer:6432/$(POSTGRES_DB)");
    expect(byName.RIGHTSIZE_DB_POOL_SIZE!.value).toBe("5");
    expect(byName.RIGHTSIZE_DB_MAX_OVERFLOW!.value).toBe("5");
  });
});
