// The helpers the policies are built from (policies/lib/policy.ts): where a
// workload check's messages start and in which order they come, which object a stack finding is about,
// and that a component's unreadable settings fail a tuning check instead of passing it.
import { describe, expect, it } from "vitest";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { K8sObject } from "../../../model/k8s";
import { guardedEach, scalersOf, type StackObject, tuningPolicy, workloadPolicy } from "../../../policies/lib/policy";
import { ANNOTATION, COMPONENT } from "../../../model/annotations";
import { QuantityError } from "../../../model/quantity";

function run(p: ResourceValidationPolicy, o: K8sObject): string[] {
  const out: string[] = [];
  const v = p.validateResource as (args: unknown, report: (m: string) => void) => void;
  v({ type: "kubernetes:apps/v1:Deployment", name: o.metadata?.name, props: o }, (m) => out.push(m));
  return out;
}

const deployment = (spec: any, annotations: Record<string, string> = {}): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", annotations },
  spec: { replicas: 2, template: { metadata: { labels: { app: "web" } }, spec } },
});

describe("workloadPolicy", () => {
  const p = workloadPolicy({
    name: "rightsize-test",
    description: "test",
    enforcementLevel: "advisory",
    pod: (spec) => (spec.hostNetwork ? ["the pod is on the host network"] : []),
    container: (c, spec) => (c.name === spec.flagged ? ["is flagged"] : []),
  });

  it("says the pod's findings after the object, the containers' after the container, init containers first, the pod's before them", () => {
    const spec = { hostNetwork: true, flagged: "x", initContainers: [{ name: "x" }], containers: [{ name: "x" }, { name: "y" }] };
    expect(run(p, deployment(spec))).toEqual([
      "Deployment web: the pod is on the host network",
      "Deployment web: init container x: is flagged",
      "Deployment web: container x: is flagged",
    ]);
  });

  it("skips what is not a workload", () => {
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { hostNetwork: true } };
    expect(run(p, service)).toEqual([]);
  });
});

describe("guardedEach and scalersOf", () => {
  const entry = (object: K8sObject, urn: string): StackObject => ({ object, urn, name: object.metadata?.name ?? urn });

  it("attributes each finding, and each unreadable object, to its own object", () => {
    const found = guardedEach([entry(deployment({}), "urn:a"), entry(deployment({}), "urn:b")], (o, { urn }) => {
      if (urn === "urn:b") throw new QuantityError('memory: "1 Gi" is not a quantity');
      return [`${o.kind} seen`];
    });
    expect(found).toEqual([
      { message: "Deployment seen", urn: "urn:a" },
      { message: 'Deployment web: cannot be checked: memory: "1 Gi" is not a quantity', urn: "urn:b" },
    ]);
  });

  it("indexes HPAs and ScaledObjects by their target, with the API's defaults", () => {
    const hpa = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web", namespace: "ns" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 4 } };
    const keda = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "w", namespace: "ns" }, spec: { scaleTargetRef: { name: "worker" } } };
    const { hpas, findings } = scalersOf([entry(hpa, "urn:h"), entry(keda, "urn:k"), entry(deployment({}), "urn:d")]);
    expect(findings).toEqual([]);
    expect([...hpas.entries()]).toEqual([
      ["Deployment/ns/web", { min: 1, max: 4, by: "HorizontalPodAutoscaler/web" }],
      ["Deployment/ns/worker", { min: 0, max: 100, by: "ScaledObject/w" }],
    ]);
  });
});

describe("tuningPolicy", () => {
  const p = tuningPolicy({
    name: "rightsize-test",
    description: "test",
    enforcementLevel: "mandatory",
    component: COMPONENT.redis,
    role: "broker",
    check: (tuning) => (tuning["maxmemory-policy"] === "noeviction" ? [] : [`maxmemory-policy is ${String(tuning["maxmemory-policy"])}`]),
  });
  const redis = (tuning: string | undefined, role = "broker") =>
    deployment({ containers: [] }, { [ANNOTATION.component]: COMPONENT.redis, [ANNOTATION.role]: role, ...(tuning === undefined ? {} : { [ANNOTATION.tuning]: tuning }) });

  it("reads only its component's workloads of its role, and says each finding after the object", () => {
    expect(run(p, redis('{"maxmemory-policy":"allkeys-lru"}'))).toEqual(["Deployment web: maxmemory-policy is allkeys-lru"]);
    expect(run(p, redis('{"maxmemory-policy":"allkeys-lru"}', "cache"))).toEqual([]);
    expect(run(p, redis('{"maxmemory-policy":"noeviction"}'))).toEqual([]);
  });

  it("fails a workload whose settings cannot be read", () => {
    expect(run(p, redis(undefined))).toEqual([`Deployment web: has no ${ANNOTATION.tuning} annotation, so its settings cannot be checked`]);
  });
});
