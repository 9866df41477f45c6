import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../../model/k8s";
import { changedPaths, diffObjects, formatPath, unusedAcknowledgements } from "../../../tools/plan/replacements";

const sts = (over: { size?: string; ns?: string; serviceName?: string; image?: string } = {}): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "postgres", namespace: over.ns ?? "rightsize" },
  spec: {
    replicas: 1,
    serviceName: over.serviceName ?? "postgres",
    selector: { matchLabels: { app: "postgres" } },
    template: { spec: { containers: [{ name: "postgres", image: over.image ?? "postgres:15.10" }] } },
    volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: over.size ?? "20Gi" } } } }],
  },
});
const deploy = (app: string, replicas = 2): K8sObject => ({ kind: "Deployment", metadata: { name: "web", namespace: "rightsize" }, spec: { replicas, selector: { matchLabels: { app } } } });
const cm = (conf: string): K8sObject => ({ kind: "ConfigMap", metadata: { name: "postgres-config", namespace: "rightsize" }, data: { "postgresql.conf": conf } });

describe("diffObjects", () => {
  it("a storage-size edit replaces the postgres StatefulSet and must be acknowledged; the claim keeps its old size", () => {
    const [c] = diffObjects([sts()], [sts({ size: "40Gi" })]);
    expect(c).toMatchObject({
      object: "StatefulSet/postgres",
      action: "replace",
      replacedBy: ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"],
      fields: ['spec.volumeClaimTemplates[0].spec.resources.requests.storage: "20Gi" -> "40Gi"'],
      dataBearing: true,
      mustAcknowledge: true,
      acknowledged: false,
    });
    expect(c!.note).toContain("starts on the kept claims (data-postgres-0), which Kubernetes re-attaches as they are: the new template's size or class is never applied to them");
  });

  it("is acknowledged by name", () => {
    const [c] = diffObjects([sts()], [sts({ size: "40Gi" })], new Set(["StatefulSet/postgres"]));
    expect(c!.acknowledged).toBe(true);
  });

  it("a serviceName edit replaces it too, keeping the data", () => {
    const [c] = diffObjects([sts()], [sts({ serviceName: "pg" })]);
    expect(c).toMatchObject({ action: "replace", replacedBy: ["spec.serviceName"], mustAcknowledge: true });
    expect(c!.note).toMatch(/; data is kept$/);
  });

  it("an image edit updates the StatefulSet in place (a rolling update), nothing to acknowledge", () => {
    expect(diffObjects([sts()], [sts({ image: "postgres:15.11" })])).toEqual([
      {
        object: "StatefulSet/postgres",
        action: "update",
        fields: ['spec.template.spec.containers[0].image: "postgres:15.10" -> "postgres:15.11"'],
        replacedBy: [],
        dataBearing: true,
        mustAcknowledge: false,
        acknowledged: false,
      },
    ]);
  });

  it("a namespace edit moves the StatefulSet: new, empty claims, the old ones left behind", () => {
    const [c] = diffObjects([sts()], [sts({ ns: "rightsize-eu" })]);
    expect(c).toMatchObject({ action: "replace", replacedBy: ["metadata.namespace"], mustAcknowledge: true });
    expect(c!.note).toBe("the StatefulSet is created in namespace rightsize-eu with new, empty claims; the old claims (data-postgres-0) stay behind in rightsize");
  });

  it("a Deployment's selector replaces it without data; its replicas update in place", () => {
    expect(diffObjects([deploy("web")], [deploy("web2")])[0]).toMatchObject({ action: "replace", replacedBy: ["spec.selector.matchLabels.app"], dataBearing: false, mustAcknowledge: false });
    expect(diffObjects([deploy("web")], [deploy("web", 3)])[0]).toMatchObject({ action: "update", fields: ["spec.replicas: 2 -> 3"] });
  });

  it("a ConfigMap's data is replaced, and the diff shows the first changed line of the file", () => {
    const [c] = diffObjects([cm("a = 1\nb = 2\n")], [cm("a = 1\nb = 3\n")]);
    expect(c).toMatchObject({ action: "replace", replacedBy: ['data["postgresql.conf"]'], fields: ['data["postgresql.conf"]: line 2 "b = 2" -> line 2 "b = 3"'] });
  });

  it("deleting a data-bearing StatefulSet must be acknowledged; creating one need not", () => {
    expect(diffObjects([sts()], [])[0]).toMatchObject({ action: "delete", mustAcknowledge: true, note: "the claims (data-postgres-0) are kept (persistentVolumeClaimRetentionPolicy whenDeleted: Retain) but nothing mounts them" });
    expect(diffObjects([], [sts()])[0]).toMatchObject({ action: "create", mustAcknowledge: false });
  });

  it("lists nothing when nothing changed, and orders create, update, replace, delete", () => {
    expect(diffObjects([sts(), deploy("web")], [sts(), deploy("web")])).toEqual([]);
    const order = diffObjects([sts(), deploy("web"), cm("x")], [sts({ size: "1Ti" }), deploy("web", 5), { kind: "Service", metadata: { name: "web" } }]).map((c) => c.action);
    expect(order).toEqual(["create", "update", "replace", "delete"]);
  });

  it("flags an acknowledgement that names nothing to acknowledge", () => {
    const changes = diffObjects([sts()], [sts({ size: "40Gi" })]);
    expect(unusedAcknowledgements(changes, new Set(["StatefulSet/postgres", "StatefulSet/redis"]))).toEqual(["StatefulSet/redis"]);
  });
});

describe("changedPaths", () => {
  it("gives leaf paths, quoting keys with dots or slashes", () => {
    const paths = changedPaths({ a: { "x.io/y": 1, b: [1, 2] } }, { a: { "x.io/y": 2, b: [1] } }).map(formatPath);
    expect(paths).toEqual(["a.b[1]", 'a["x.io/y"]']);
  });
});
