// rightsize-disallow-blocking-pdb: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { baseline, changed, find, hpa, pdb, scaledObject } from "./fixtures";
import type { K8sObject } from "../../model/k8s";

const POLICY = "rightsize-disallow-blocking-pdb";
const FIX = "a node drain waits on it forever; use maxUnavailable 1";
const budget = (spec: Record<string, unknown>) => (o: any) => (o.spec = { ...spec, selector: o.spec.selector });
const webPdb = (spec: Record<string, unknown>) => changed("PodDisruptionBudget", "web", budget(spec));
/** The baseline with the web PDB changed and an autoscaler on web. */
const scaled = (spec: Record<string, unknown>, scaler: K8sObject) => [...webPdb(spec), scaler];
/** The one finding on PodDisruptionBudget `name`: the message as the policy words it, ending in the fix. */
const blocks = (name: string, why: string) => one(POLICY, "advisory", `PodDisruptionBudget/${name}`, `PodDisruptionBudget ${name}: ${why}; ${FIX}`);

const cases: Case[] = [
  [
    "maxUnavailable 0",
    () => webPdb({ maxUnavailable: 0 }),
    blocks("web", "maxUnavailable 0 allows no voluntary disruption"),
  ],
  [
    "maxUnavailable 0%",
    () => webPdb({ maxUnavailable: "0%" }),
    blocks("web", "maxUnavailable 0% allows no voluntary disruption"),
  ],
  [
    "minAvailable 100%",
    () => webPdb({ minAvailable: "100%" }),
    blocks("web", "minAvailable 100% allows no voluntary disruption"),
  ],
  [
    "minAvailable equal to the replicas",
    () => webPdb({ minAvailable: 2 }),
    blocks("web", "minAvailable 2 is at or above the 2 replicas of Deployment web, so no pod may be evicted"),
  ],
  [
    "a percentage that rounds up to every replica",
    () => webPdb({ minAvailable: "60%" }),
    blocks("web", "minAvailable 60% (2 of 2 pods) is at or above the 2 replicas of Deployment web, so no pod may be evicted"),
  ],
  [
    "minAvailable at an HPA's minimum",
    () => scaled({ minAvailable: 3 }, hpa("web", 3, 6)),
    blocks("web", "minAvailable 3 is at or above the minimum of HorizontalPodAutoscaler web (minReplicas 3) for Deployment web, so no pod may be evicted"),
  ],
  [
    "minAvailable 1 on a pool KEDA scales from zero: one pod while it runs",
    () => scaled({ minAvailable: 1 }, scaledObject("web", 0, 4)),
    blocks("web", "minAvailable 1 is at or above the minimum of ScaledObject web (minReplicaCount 0) for Deployment web, so no pod may be evicted"),
  ],
  [
    "a PDB over a single-replica StatefulSet that keeps its one pod",
    () => [...baseline(), { ...pdb("postgres", "postgres"), spec: { minAvailable: 1, selector: find(baseline(), "StatefulSet", "postgres").spec.selector } }],
    blocks("postgres", "minAvailable 1 is at or above the 1 replica of StatefulSet postgres, so no pod may be evicted"),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("a budget that lets one pod go passes, below the replicas or the autoscaler's minimum", async () => {
    expect(await evaluate(webPdb({ minAvailable: 1 }))).toEqual([]);
    expect(await evaluate(webPdb({ minAvailable: "50%" }))).toEqual([]);
    expect(await evaluate(webPdb({ maxUnavailable: "10%" }))).toEqual([]);
    expect(await evaluate(scaled({ minAvailable: 2 }, hpa("web", 3, 6)))).toEqual([]);
  });
});
