// rightsize-enforce-pod-security: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main } from "./fixtures";

const cases: Case[] = [
  [
    "a container that may escalate and keeps its capabilities",
    () =>
      changed("Deployment", "celery-worker", (o) => {
        main(o).securityContext.allowPrivilegeEscalation = true;
        delete main(o).securityContext.capabilities;
      }),
    one(
      "rightsize-enforce-pod-security",
      "advisory",
      "Deployment/celery-worker",
      "Deployment celery-worker: container worker: allowPrivilegeEscalation is not false, capabilities.drop does not include ALL",
    ),
  ],
  [
    "a pod on the host network",
    () => changed("Deployment", "celery-beat", (o) => (o.spec.template.spec.hostNetwork = true)),
    one("rightsize-enforce-pod-security", "advisory", "Deployment/celery-beat", "Deployment celery-beat: the pod shares the node's namespaces (hostNetwork: true)"),
  ],
];

describe("rightsize-enforce-pod-security", () => {
  eachCase(cases);

  it("a pod-level runAsNonRoot covers its containers, and its absence is named per container", async () => {
    const objects = changed("Deployment", "web", (o) => delete o.spec.template.spec.securityContext.runAsNonRoot);
    expect(await evaluate(objects)).toEqual(one("rightsize-enforce-pod-security", "advisory", "Deployment/web", "Deployment web: container web: runAsNonRoot is not true"));
  });
});
