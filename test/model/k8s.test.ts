import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  componentOf,
  containersOf,
  describeObject,
  isWorkload,
  type K8sObject,
  mainContainer,
  memoryLimit,
  plain,
  podSpecOf,
  podTemplateOf,
  roleOf,
  SelectorIndex,
  selects,
  WORKLOAD_KINDS,
} from "../../model/k8s";

const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web" }] } };

describe("workload kinds and pod templates", () => {
  it("counts the kinds that run pods as workloads, and nothing else", () => {
    expect(WORKLOAD_KINDS).toEqual(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"]);
    for (const kind of WORKLOAD_KINDS) expect(isWorkload({ kind })).toBe(true);
    for (const kind of ["Service", "ReplicaSet", "HorizontalPodAutoscaler", "deployment", undefined]) expect(isWorkload({ kind })).toBe(false);
  });

  it("finds the template where each kind keeps it", () => {
    expect(podTemplateOf({ kind: "Deployment", spec: { template } })).toBe(template);
    expect(podTemplateOf({ kind: "StatefulSet", spec: { template } })).toBe(template);
    expect(podTemplateOf({ kind: "CronJob", spec: { jobTemplate: { spec: { template } } } })).toBe(template);
    const pod: K8sObject = { kind: "Pod", metadata: { name: "p" }, spec: template.spec };
    expect(podTemplateOf(pod)).toEqual({ metadata: { name: "p" }, spec: template.spec });
    expect(podSpecOf(pod)).toBe(template.spec);
    expect(podTemplateOf({ kind: "CronJob", spec: {} })).toBeUndefined();
    expect(podSpecOf({ kind: "Deployment" })).toBeUndefined();
  });

  it("names an object for a message as `Kind name`", () => {
    expect(describeObject({ kind: "Deployment", metadata: { name: "web" } })).toBe("Deployment web");
    expect(describeObject({ metadata: { name: "web" } })).toBe("object web");
    expect(describeObject({ kind: "Service" })).toBe("Service (unnamed)");
  });

  it("reads the identity annotations", () => {
    const o: K8sObject = { metadata: { annotations: { "rightsize.io/component": "redis", "rightsize.io/role": "broker" } } };
    expect([componentOf(o), roleOf(o)]).toEqual(["redis", "broker"]);
    expect([componentOf({}), roleOf({ metadata: { annotations: {} } })]).toEqual([undefined, undefined]);
  });
});

describe("containers", () => {
  const deployment = (spec: object): K8sObject => ({ kind: "Deployment", spec: { template: { spec } } });
  const o = deployment({
    initContainers: [{ name: "migrate" }, { name: "proxy", restartPolicy: "Always" }],
    containers: [{ name: "sidecar" }, { name: "web" }, {}],
  });

  it("lists init containers first, then the app's, as the pod runs them", () => {
    expect(containersOf(o).map((r) => [r.label, r.init])).toEqual([
      ["init container migrate", true],
      ["init container proxy", true],
      ["container sidecar", false],
      ["container web", false],
      ["container (unnamed)", false],
    ]);
    expect(containersOf({ kind: "Deployment" })).toEqual([]);
  });

  it("takes the app container named like the component as the main one, else the first app container", () => {
    expect(mainContainer(o, ["web", "gunicorn"])?.label).toBe("container web");
    expect(mainContainer(o, ["postgres"])?.label).toBe("container sidecar");
    // An init container is never the main one, even by name.
    expect(mainContainer(o, ["migrate"])?.label).toBe("container sidecar");
    expect(mainContainer(deployment({ initContainers: [{ name: "migrate" }] }), ["migrate"])).toBeUndefined();
  });

  it("reads a memory limit in bytes, and nothing when none is set", () => {
    expect(memoryLimit({ resources: { limits: { memory: "1536Mi" } } })).toBe(1610612736);
    expect(memoryLimit({ resources: { limits: { memory: 1024 } } })).toBe(1024);
    expect(memoryLimit({ resources: { limits: { cpu: "1" } } })).toBeUndefined();
    expect(memoryLimit(undefined)).toBeUndefined();
    expect(() => memoryLimit({ resources: { limits: { memory: "1.5GB" } } })).toThrow(
      '"1.5GB" is not a Kubernetes quantity: unknown suffix "GB" (use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    );
  });
});

describe("selects", () => {
  const labels = { app: "web", tier: "front" };

  it("selects nothing with an empty or missing selector", () => {
    expect(selects({}, labels)).toBe(false);
    expect(selects(undefined, labels)).toBe(false);
    expect(selects({ matchLabels: {}, matchExpressions: [] }, labels)).toBe(false);
  });

  it("wants every matchLabels pair", () => {
    expect(selects({ matchLabels: { app: "web" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "web", tier: "front" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "web", tier: "back" } }, labels)).toBe(false);
    expect(selects({ matchLabels: { app: "web" } }, undefined)).toBe(false);
  });

  it("applies each expression operator as Kubernetes does", () => {
    const e = (operator: string, key: string, values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });
    expect(selects(e("In", "tier", ["front", "back"]), labels)).toBe(true);
    expect(selects(e("In", "tier", ["back"]), labels)).toBe(false);
    expect(selects(e("In", "zone", ["a"]), labels)).toBe(false);
    expect(selects(e("NotIn", "tier", ["back"]), labels)).toBe(true);
    expect(selects(e("NotIn", "tier", ["front"]), labels)).toBe(false);
    expect(selects(e("NotIn", "zone", ["a"]), labels)).toBe(true);
    expect(selects(e("Exists", "app"), labels)).toBe(true);
    expect(selects(e("Exists", "zone"), labels)).toBe(false);
    expect(selects(e("DoesNotExist", "zone"), labels)).toBe(true);
    expect(selects(e("DoesNotExist", "app"), labels)).toBe(false);
    // An operator Kubernetes does not know selects nothing rather than everything.
    expect(selects(e("Gt", "app", ["1"]), labels)).toBe(false);
  });

  it("wants the labels and the expressions both", () => {
    expect(selects({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] }, labels)).toBe(false);
    expect(selects({ matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels)).toBe(false);
  });

  it("does not take a key inherited from Object.prototype for a label", () => {
    expect(selects({ matchExpressions: [{ key: "constructor", operator: "Exists" }] }, labels)).toBe(false);
  });
});

describe("plain", () => {
  it("copies deeply, so the copy shares nothing with the original", () => {
    const v = { a: [1, { b: "x" }], c: { d: null, e: true } };
    const copy = plain(v);
    expect(copy).toEqual(v);
    expect(copy.a).not.toBe(v.a);
    expect(copy.a[1]).not.toBe(v.a[1]);
    expect(copy.c).not.toBe(v.c);
    expect([plain(3), plain("s"), plain(null), plain(undefined)]).toEqual([3, "s", null, undefined]);
  });

  it("reads every key through a proxy, so an unknown value throws here and not later", () => {
    const proxy = new Proxy({ a: 1, b: 2 }, {
      get(t, k) {
        if (k === "b") throw new Error("unknown at preview");
        return Reflect.get(t, k);
      },
    });
    expect(() => plain(proxy)).toThrow("unknown at preview");
    const ok = new Proxy({ a: 1 }, {});
    expect(plain(ok)).toEqual({ a: 1 });
  });
});

describe("SelectorIndex", () => {
  it("finds the items whose selectors select the labels, in the selector's namespace only", () => {
    const ix = new SelectorIndex<string>();
    ix.add("ns", { matchLabels: { app: "web" } }, "svc-web");
    ix.add("ns", { matchLabels: { app: "web", tier: "front" } }, "np-front");
    ix.add("other", { matchLabels: { app: "web" } }, "svc-other");
    ix.add("ns", { matchExpressions: [{ key: "app", operator: "Exists" }] }, "pdb-any");
    ix.add("ns", {}, "empty");
    expect(ix.match("ns", { app: "web", tier: "front" })).toEqual(["svc-web", "np-front", "pdb-any"]);
    expect(ix.match("ns", { app: "web" })).toEqual(["svc-web", "pdb-any"]);
    expect(ix.match("other", { app: "web" })).toEqual(["svc-other"]);
    expect(ix.match(undefined, { app: "web" })).toEqual([]);
    expect(ix.match("ns", undefined)).toEqual([]);
  });

  it("keeps an object with no namespace apart from one in a namespace", () => {
    const ix = new SelectorIndex<number>();
    ix.add(undefined, { matchLabels: { app: "a" } }, 1);
    ix.add(undefined, { matchExpressions: [{ key: "app", operator: "In", values: ["a"] }] }, 2);
    expect(ix.match(undefined, { app: "a" })).toEqual([1, 2]);
    expect(ix.match("", { app: "a" })).toEqual([1]);
  });

  it("matches exactly what checking every selector would, for any selectors and labels", () => {
    const key = fc.constantFrom("app", "tier", "zone");
    const value = fc.constantFrom("a", "b", "c");
    const labels = fc.dictionary(key, value);
    const expression = fc.record({
      key,
      operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
      values: fc.array(value, { maxLength: 2 }),
    });
    const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) });
    const ns = fc.constantFrom("x", "y", undefined);
    fc.assert(
      fc.property(fc.array(fc.tuple(ns, selector), { maxLength: 8 }), ns, labels, (entries, at, l) => {
        const ix = new SelectorIndex<number>();
        entries.forEach(([n, s], i) => ix.add(n, s, i));
        const expected = entries.flatMap(([n, s], i) => (n === at && selects(s, l) ? [i] : []));
        expect([...ix.match(at, l)].sort((a, b) => a - b)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
