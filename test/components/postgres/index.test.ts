import { beforeAll, describe, expect, it } from "vitest";
import { Postgres } from "../../../components/postgres";
import { postgresSettings } from "../../../components/postgres/tuning";
import { POSTGRES } from "../../../components/shared/endpoints";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { DEV_SECRETS, valid } from "../../helpers/stack";

describe("Postgres under mocks", () => {
  let objects: K8sObject[];
  const config = valid().postgres;
  beforeAll(async () => {
    useMocks();
    objects = (await collect(() => new Postgres("postgres", { namespace: "ns", config, image: "postgres:15.10-bookworm" }))).objects;
  });
  const sts = () => find(objects, "StatefulSet", "postgres");
  const container = () => sts().spec.template.spec.containers[0];

  it("creates a StatefulSet with a headless Service of the same name, the Secret, ConfigMap and allow rule", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["ConfigMap/postgres-config", "NetworkPolicy/postgres-allow", `Secret/${POSTGRES.secret}`, "Service/postgres", "StatefulSet/postgres"].sort(),
    );
    for (const o of objects) expect(o.metadata?.namespace).toBe("ns");
    const svc = find(objects, "Service", "postgres");
    expect(svc.spec.clusterIP).toBe("None");
    expect(svc.spec.ports).toEqual([{ name: "postgres", port: 5432, targetPort: "postgres", protocol: "TCP" }]);
    expect(sts().spec).toMatchObject({ serviceName: "postgres", replicas: 1 });
  });

  it("lets Pulumi's await on the set and its Service wait out the startup allowance (600 s) plus 300 s", () => {
    expect(sts().metadata?.annotations?.["pulumi.com/timeoutSeconds"]).toBe("900");
    expect(find(objects, "Service", "postgres").metadata?.annotations).toEqual({ "pulumi.com/timeoutSeconds": "900" });
  });

  it("claims a volume of the configured size and keeps it when the set goes", () => {
    expect(sts().spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name: "data" }), spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } }),
    ]);
    expect(sts().spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(container().volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/postgresql/data" });
    expect(container().env).toContainEqual({ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" });
  });

  it("requests memory equal to the limit (Guaranteed memory)", () => {
    expect(container().resources).toEqual({ requests: { cpu: "1", memory: "1536Mi" }, limits: { cpu: "2", memory: "1536Mi" } });
  });

  it("mounts a memory-backed /dev/shm with a size limit", () => {
    const vols = sts().spec.template.spec.volumes;
    expect(vols).toContainEqual({ name: "shm", emptyDir: { medium: "Memory", sizeLimit: "128Mi" } });
    expect(container().volumeMounts).toContainEqual({ name: "shm", mountPath: "/dev/shm" });
  });

  it("writes postgresql.conf into the ConfigMap and starts postgres with it", () => {
    const conf = (find(objects, "ConfigMap", "postgres-config") as { data: Record<string, string> }).data["postgresql.conf"]!;
    expect(conf.split("\n")).toEqual(expect.arrayContaining(["shared_buffers = 384MB", "effective_cache_size = 1152MB", "work_mem = 1373kB"]));
    expect(container().args).toEqual(["-c", "config_file=/etc/postgresql/postgresql.conf"]);
    expect(container().volumeMounts).toContainEqual({ name: "config", mountPath: "/etc/postgresql", readOnly: true });
  });

  it("records the tuning as Postgres spells it", () => {
    const a = sts().metadata!.annotations!;
    expect(a["rightsize.io/component"]).toBe("postgres");
    // The settings, and the two numbers the memory-fit policy counts beside them (bytes).
    expect(JSON.parse(a["rightsize.io/tuning"]!)).toEqual({ ...postgresSettings(config), rightsize_backend_memory: 3 * 1024 * 1024, rightsize_shm_bytes: 128 * 1024 * 1024 });
    expect(JSON.parse(a["rightsize.io/tuning"]!)).toMatchObject({ shared_buffers: "384MB", effective_cache_size: "1152MB" });
  });

  it("probes with pg_isready: readiness needs accepting, startup and liveness only an answer", () => {
    const c = container();
    expect(c.readinessProbe.exec.command).toEqual(["sh", "-c", "pg_isready -q -h /var/run/postgresql -p 5432"]);
    expect(c.livenessProbe.exec.command).toEqual(["sh", "-c", "pg_isready -q -h /var/run/postgresql -p 5432; [ $? -le 1 ]"]);
    expect(c.startupProbe.exec.command).toEqual(c.livenessProbe.exec.command);
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(600);
    expect(c.livenessProbe).toMatchObject({ timeoutSeconds: 10, periodSeconds: 20, failureThreshold: 6 });
  });

  it("runs as the image's postgres user with a read-only root", () => {
    const pod = sts().spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container().securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container().image).toBe("postgres:15.10-bookworm");
  });

  it("shuts down fast within the grace period", () => {
    expect(container().lifecycle.preStop.exec.command).toEqual(["sh", "-c", 'pg_ctl stop -D "$PGDATA" -m fast -w -t 60 || true']);
    expect(sts().spec.template.spec.terminationGracePeriodSeconds).toBe(90);
  });

  it("reads credentials from the Secret and lets in only the app's pods", () => {
    expect(container().env).toContainEqual({ name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: POSTGRES.secret, key: "password" } } });
    const secret = find(objects, "Secret", POSTGRES.secret) as K8sObject & { stringData: Record<string, string> };
    expect(secret.stringData).toEqual({ username: "(secret)", password: "(secret)", database: "(secret)" });
    expect(find(objects, "NetworkPolicy", "postgres-allow").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "postgres" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { "rightsize.io/app-client": "true" } } }], ports: [{ protocol: "TCP", port: 5432 }] }],
    });
  });

  it("puts the password in no object but the Secret, and there only masked", () => {
    expect(JSON.stringify(objects)).not.toContain(DEV_SECRETS.postgres);
  });
});
