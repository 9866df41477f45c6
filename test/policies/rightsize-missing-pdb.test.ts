// rightsize-missing-pdb: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { baseline, changed, hpa, pdb, scaledObject } from "./fixtures";

const cases: Case[] = [
  [
    "a replicated Deployment without a PodDisruptionBudget",
    () => baseline().filter((o) => o.kind !== "PodDisruptionBudget"),
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 2 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "a Deployment that an HPA scales out, without a PodDisruptionBudget",
    () => [...changed("Deployment", "web", (o) => (o.spec.replicas = 1)).filter((o) => o.kind !== "PodDisruptionBudget"), hpa("web", 1, 3)],
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 3 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "a Deployment that a KEDA ScaledObject scales out, without a PodDisruptionBudget",
    () => [...changed("Deployment", "web", (o) => delete o.spec.replicas).filter((o) => o.kind !== "PodDisruptionBudget"), scaledObject("web", 0, 4)],
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 4 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "a replicated StatefulSet without a PodDisruptionBudget",
    () => changed("StatefulSet", "redis-broker", (o) => (o.spec.replicas = 3)),
    one(
      "rightsize-missing-pdb",
      "advisory",
      "StatefulSet/redis-broker",
      "StatefulSet redis-broker runs up to 3 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
];

describe("rightsize-missing-pdb", () => {
  eachCase(cases);

  it("a single-replica StatefulSet (Postgres, the Redis broker) needs none", async () => {
    expect(baseline().filter((o) => o.kind === "StatefulSet").map((o) => o.spec.replicas)).toEqual([1, 1]);
    expect(await evaluate(baseline().filter((o) => o.kind !== "PodDisruptionBudget" || o.metadata?.name !== "web").concat(pdb("web", "web")))).toEqual([]);
  });

  it("a replicated StatefulSet with a PodDisruptionBudget passes", async () => {
    expect(await evaluate([...changed("StatefulSet", "redis-broker", (o) => (o.spec.replicas = 3)), pdb("redis-broker", "redis")])).toEqual([]);
  });
});
