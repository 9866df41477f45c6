// rightsize-missing-network-policy: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { baseline, NS, userWorkload } from "./fixtures";
import type { K8sObject } from "../../model/k8s";

const POLICY = "rightsize-missing-network-policy";
const REST = "every pod there accepts connections from anywhere in the cluster. Add a default-deny ingress policy and allow rules";
const withoutPolicies = () => baseline().filter((o) => o.kind !== "NetworkPolicy");
const namespace: K8sObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } };

const cases: Case[] = [
  [
    "the platform's namespace without its default deny, named on the first workload",
    withoutPolicies,
    one(POLICY, "advisory", "Deployment/web", `namespace ${NS} has no NetworkPolicy in the stack, yet runs Deployment web, StatefulSet postgres, StatefulSet redis-broker and 3 more; ${REST}`),
  ],
  [
    "the same, named on the Namespace when the stack has it",
    () => [namespace, ...withoutPolicies()],
    one(POLICY, "advisory", "Namespace/rightsize-test", `namespace ${NS} has no NetworkPolicy in the stack, yet runs Deployment web, StatefulSet postgres, StatefulSet redis-broker and 3 more; ${REST}`),
  ],
  [
    "a Job a user adds in another namespace",
    () => {
      const job = userWorkload("Job", "backfill");
      job.metadata!.namespace = "batch";
      return [...baseline(), job];
    },
    one(POLICY, "advisory", "Job/backfill", `namespace batch has no NetworkPolicy in the stack, yet runs Job backfill; ${REST}`),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("any NetworkPolicy in the namespace covers it", async () => {
    const allow: K8sObject = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "web-allow", namespace: NS }, spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } } } };
    expect(await evaluate([...withoutPolicies(), allow])).toEqual([]);
  });
});
