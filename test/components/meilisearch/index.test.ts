import { beforeAll, describe, expect, it } from "vitest";
import { Meilisearch } from "../../../components/meilisearch";
import { MEILISEARCH } from "../../../components/shared/endpoints";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { DEV_SECRETS, valid } from "../../helpers/stack";

describe("Meilisearch under mocks", () => {
  let dev: K8sObject[];
  let prod: K8sObject[];
  const image = "getmeili/meilisearch:v1.11.3";
  beforeAll(async () => {
    useMocks();
    dev = (await collect(() => new Meilisearch("meilisearch", { namespace: "ns", config: valid().meilisearch, environment: "dev", image }))).objects;
    prod = (await collect(() => new Meilisearch("search", { namespace: "ns", config: valid().meilisearch, environment: "prod", image, secretName: "search-key" }))).objects;
  });
  const sts = () => find(dev, "StatefulSet", "meilisearch");
  const container = () => sts().spec.template.spec.containers[0];
  const env = (objs: K8sObject[], name: string) => (find(objs, "ConfigMap", name) as { data: Record<string, string> }).data;

  it("creates a StatefulSet with a headless Service of the same name, the Secret, ConfigMap and allow rule", () => {
    expect(dev.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["ConfigMap/meilisearch-env", "NetworkPolicy/meilisearch-allow", `Secret/${MEILISEARCH.secret}`, "Service/meilisearch", "StatefulSet/meilisearch"].sort(),
    );
    expect(find(dev, "Service", "meilisearch").spec).toMatchObject({ clusterIP: "None", ports: [{ name: "http", port: 7700, targetPort: "http", protocol: "TCP" }] });
    expect(sts().spec).toMatchObject({ serviceName: "meilisearch", replicas: 1 });
  });

  it("lets Pulumi's await wait out a dump import: the startup allowance (1800 s) plus 300 s", () => {
    expect(sts().metadata?.annotations?.["pulumi.com/timeoutSeconds"]).toBe("2100");
    expect(find(dev, "Service", "meilisearch").metadata?.annotations).toEqual({ "pulumi.com/timeoutSeconds": "2100" });
  });

  it("puts the derived options in the ConfigMap and the tuning annotation", () => {
    expect(env(dev, "meilisearch-env")).toMatchObject({ MEILI_MAX_INDEXING_MEMORY: "536870912", MEILI_MAX_INDEXING_THREADS: "1", MEILI_ENV: "development", MEILI_DB_PATH: "/meili_data/data.ms" });
    expect(env(prod, "search-env").MEILI_ENV).toBe("production");
    expect(JSON.parse(sts().metadata!.annotations!["rightsize.io/tuning"]!)).toEqual({
      MEILI_ENV: "development",
      MEILI_MAX_INDEXING_MEMORY: 536870912,
      MEILI_MAX_INDEXING_THREADS: 1,
      MEILI_HTTP_PAYLOAD_SIZE_LIMIT: 104857600,
    });
    expect(container().envFrom).toEqual([{ configMapRef: { name: "meilisearch-env" } }]);
  });

  it("reads the master key from the Secret", () => {
    expect(container().env).toEqual([{ name: "MEILI_MASTER_KEY", valueFrom: { secretKeyRef: { name: MEILISEARCH.secret, key: "masterKey" } } }]);
    expect(find(prod, "StatefulSet", "search").spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe("search-key");
  });

  it("probes /health, with a startup probe long enough for a dump import", () => {
    const c = container();
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(p.httpGet).toEqual({ path: "/health", port: "http" });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(1800);
  });

  it("runs as a non-root UID with /meili_data on the claim and /tmp on a sized emptyDir", () => {
    const pod = sts().spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    expect(container().securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container().volumeMounts).toEqual([
      { name: "data", mountPath: "/meili_data" },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]);
    expect(sts().spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("10Gi");
    expect(container().resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1500m", memory: "1Gi" } });
  });

  it("lets in only the app's pods, and leaks no master key", () => {
    expect(find(dev, "NetworkPolicy", "meilisearch-allow").spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { "rightsize.io/app-client": "true" } } }]);
    expect(JSON.stringify([...dev, ...prod])).not.toContain(DEV_SECRETS.meilisearch);
  });
});
