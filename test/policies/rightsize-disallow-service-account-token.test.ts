// rightsize-disallow-service-account-token: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, withUser } from "./fixtures";

const POLICY = "rightsize-disallow-service-account-token";
const FIX = "set it to false (true only where the pod calls the Kubernetes API)";

const cases: Case[] = [
  [
    "a pod that leaves the token mount to the default",
    () => changed("Deployment", "web", (o) => delete o.spec.template.spec.automountServiceAccountToken),
    one(POLICY, "advisory", "Deployment/web", `Deployment web: the pod leaves automountServiceAccountToken unset, so every container gets an API token; ${FIX}`),
  ],
  [
    "a Job a user adds without the opt-out",
    () => withUser("Job", "backfill", (spec) => delete spec.automountServiceAccountToken),
    one(POLICY, "advisory", "Job/backfill", `Job backfill: the pod leaves automountServiceAccountToken unset, so every container gets an API token; ${FIX}`),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("a pod that says it calls the API passes", async () => {
    expect(await evaluate(changed("StatefulSet", "postgres", (o) => (o.spec.template.spec.automountServiceAccountToken = true)))).toEqual([]);
  });
});
