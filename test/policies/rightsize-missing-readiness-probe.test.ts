// rightsize-missing-readiness-probe: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, find, main } from "./fixtures";

const cases: Case[] = [
  [
    "a pod behind a Service with no readiness probe",
    () => changed("Deployment", "web", (o) => delete main(o).readinessProbe),
    one(
      "rightsize-missing-readiness-probe",
      "advisory",
      "Deployment/web",
      "Deployment web: container web has no readinessProbe, yet Service web sends it traffic; a starting or stuck pod still gets requests",
    ),
  ],
];

describe("rightsize-missing-readiness-probe", () => {
  eachCase(cases);

  it("a workload no Service selects needs no readiness probe", async () => {
    const objects = changed("Deployment", "celery-worker", (o) => expect(main(o).readinessProbe).toBeUndefined());
    expect(find(objects, "Deployment", "celery-worker")).toBeDefined();
    expect(await evaluate(objects)).toEqual([]);
  });
});
