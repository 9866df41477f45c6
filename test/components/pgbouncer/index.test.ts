import { beforeAll, describe, expect, it } from "vitest";
import { Platform } from "../../../components/platform";
import { PGBOUNCER, POSTGRES } from "../../../components/shared/endpoints";
import { APP_CLIENT_LABEL } from "../../../components/shared/labels";
import { ANNOTATION } from "../../../model/annotations";
import { type K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, DEV_SECRETS, set, valid } from "../../helpers/stack";

const render = async (values: Record<string, unknown>) => (await collect(() => new Platform("rightsize", { config: valid(values) }))).objects;

describe("PgBouncer in the platform (the baseline's 40 connections do not fit 1.5Gi at work_mem 4MB)", () => {
  let objects: K8sObject[];
  beforeAll(async () => {
    useMocks();
    objects = await render(set(baseValues(), "postgres.pooler.replicas", 2));
  });

  it("renders a Deployment with the derived pgbouncer.ini, a Service and a PDB", () => {
    const d = find(objects, "Deployment", PGBOUNCER.name);
    expect(d.metadata!.annotations![ANNOTATION.component]).toBe("pgbouncer");
    expect(d.metadata!.annotations![ANNOTATION.configKey]).toBe("postgres.pooler");
    expect(JSON.parse(d.metadata!.annotations![ANNOTATION.tuning]!)).toMatchObject({ pool_mode: "transaction", max_client_conn: 50, max_db_connections: 9 });
    expect(d.spec.replicas).toBe(2);
    const c = d.spec.template.spec.containers[0];
    expect(c.command).toEqual(["pgbouncer", "/etc/pgbouncer/pgbouncer.ini"]);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: "pgbouncer" });
    const ini = find(objects, "ConfigMap", "pgbouncer-config").data["pgbouncer.ini"] as string;
    expect(ini).toContain("max_db_connections = 9\n");
    expect(ini).toContain("app = host=postgres port=5432 dbname=app\n");
    expect(find(objects, "Service", PGBOUNCER.name).spec.ports).toEqual([{ name: "pgbouncer", port: 6432, targetPort: "pgbouncer", protocol: "TCP" }]);
    find(objects, "PodDisruptionBudget", PGBOUNCER.name);
  });

  it("gives Postgres the pooler's max_connections: 3 pods at the peak x 9 + 3 superuser", () => {
    const pg = find(objects, "StatefulSet", POSTGRES.name);
    expect(JSON.parse(pg.metadata!.annotations![ANNOTATION.tuning]!).max_connections).toBe(30);
  });

  it("reads the password from the Postgres Secret's userlist.txt, never from a literal", () => {
    const secret = find(objects, "Secret", POSTGRES.secret);
    expect(Object.keys(secret.stringData)).toContain("userlist.txt");
    const vol = find(objects, "Deployment", PGBOUNCER.name).spec.template.spec.volumes.find((v: { name: string }) => v.name === "auth");
    expect(vol.secret).toMatchObject({ secretName: POSTGRES.secret, items: [{ key: "userlist.txt", path: "userlist.txt" }] });
    const text = JSON.stringify(objects);
    expect(text).not.toContain(DEV_SECRETS.postgres);
  });

  it("lets the app reach PgBouncer, and only PgBouncer reach Postgres", () => {
    const toPooler = find(objects, "NetworkPolicy", "pgbouncer-allow").spec;
    expect(toPooler.ingress).toEqual([{ from: [{ podSelector: { matchLabels: APP_CLIENT_LABEL } }], ports: [{ protocol: "TCP", port: 6432 }] }]);
    const toPostgres = find(objects, "NetworkPolicy", "postgres-allow").spec;
    expect(toPostgres.ingress[0].from).toEqual([{ podSelector: { matchLabels: { "app.kubernetes.io/name": "pgbouncer", "app.kubernetes.io/instance": "pgbouncer" } } }]);
    expect(find(objects, "Deployment", PGBOUNCER.name).spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "pgbouncer", "app.kubernetes.io/instance": "pgbouncer" });
  });

  it("points the app's DATABASE_URL at the pooler", () => {
    const env = find(objects, "Deployment", "web").spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === "DATABASE_URL")!.value).toBe("postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@pgbouncer:6432/$(POSTGRES_DB)");
  });
});

describe("without the pooler", () => {
  it("renders no PgBouncer, no userlist, and lets the app reach Postgres", async () => {
    useMocks();
    const objects = await render(set(baseValues(), "postgres.pooler.enabled", false));
    expect(objects.filter((o) => o.metadata?.name?.startsWith("pgbouncer"))).toEqual([]);
    expect(Object.keys(find(objects, "Secret", POSTGRES.secret).stringData)).not.toContain("userlist.txt");
    expect(find(objects, "NetworkPolicy", "postgres-allow").spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: APP_CLIENT_LABEL } }]);
    const env = find(objects, "Deployment", "web").spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((e) => e.name === "DATABASE_URL")!.value).toContain("@postgres:5432/");
  });
});
