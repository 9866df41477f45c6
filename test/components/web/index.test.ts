import { beforeAll, describe, expect, it } from "vitest";
import { WebService } from "../../../components/web";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, set, valid } from "../../helpers/stack";

describe("WebService under mocks", () => {
  let objects: K8sObject[];
  let hpaObjects: K8sObject[];
  beforeAll(async () => {
    useMocks();
    objects = (await collect(() => new WebService("web", { namespace: "ns", config: valid().web, image: "reg.example.com/app:1.0.0" }))).objects;
    // 5 pods of 2 workers open up to 120 connections, more than Postgres' default 100 allow.
    const scaled = valid(set(set(set(baseValues(), "web.autoscaling", { maxReplicas: 5 }), "postgres.maxConnections", 150), "postgres.resources.limits.memory", "2560Mi")).web;
    hpaObjects = (await collect(() => new WebService("api", { namespace: "ns", config: scaled, image: "reg.example.com/app:1.0.0" }))).objects;
  });

  it("creates the expected objects, each with an explicit name", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["ConfigMap/web-gunicorn", "Deployment/web", "NetworkPolicy/web-allow", "Service/web"].sort(),
    );
    for (const o of objects) expect(o.metadata?.namespace).toBe("ns");
  });

  it("sets resources as Kubernetes strings", () => {
    const c = find(objects, "Deployment", "web").spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    expect(c.image).toBe("reg.example.com/app:1.0.0");
  });

  it("probes: startup instead of an initial delay, readiness on /api/health, liveness elsewhere", () => {
    const c = find(objects, "Deployment", "web").spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: "/api/health", port: "http" });
    expect(c.livenessProbe.httpGet.path).toBe("/livez");
    expect(c.startupProbe.httpGet.path).toBe("/livez");
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(120);
    for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(p.initialDelaySeconds).toBeUndefined();
  });

  it("runs with secure defaults", () => {
    const pod = find(objects, "Deployment", "web").spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain("/tmp");
  });

  it("waits longer than gunicorn's graceful timeout", () => {
    expect(find(objects, "Deployment", "web").spec.template.spec.terminationGracePeriodSeconds).toBe(45);
  });

  it("mounts the generated gunicorn.conf.py and records the tuning on the Deployment", () => {
    const conf = (find(objects, "ConfigMap", "web-gunicorn") as { data: Record<string, string> }).data["gunicorn.conf.py"];
    expect(conf).toContain("workers = 2\n");
    const d = find(objects, "Deployment", "web");
    expect(d.spec.template.spec.containers[0].command).toEqual(["gunicorn", "--config", "/etc/gunicorn/gunicorn.conf.py"]);
    expect(JSON.parse(d.metadata!.annotations!["rightsize.io/tuning"]!).workers).toBe(2);
  });

  it("exposes port 80 on the Service and listens above 1024", () => {
    const svc = find(objects, "Service", "web");
    expect(svc.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(find(objects, "Deployment", "web").spec.template.spec.containers[0].ports[0].containerPort).toBe(8000);
  });

  it("adds an HPA and a PDB when autoscaling, and leaves replicas to the HPA", () => {
    const hpa = find(hpaObjects, "HorizontalPodAutoscaler", "api");
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "api" } });
    expect(find(hpaObjects, "PodDisruptionBudget", "api").spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "api" } },
    });
    expect(find(hpaObjects, "Deployment", "api").spec.replicas).toBeUndefined();
  });
});
