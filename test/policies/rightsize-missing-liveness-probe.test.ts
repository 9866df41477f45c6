// rightsize-missing-liveness-probe: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main, withUser } from "./fixtures";

const POLICY = "rightsize-missing-liveness-probe";

const cases: Case[] = [
  [
    "a Celery worker without a liveness probe",
    () => changed("Deployment", "celery-worker", (o) => delete main(o).livenessProbe),
    one(POLICY, "advisory", "Deployment/celery-worker", "Deployment celery-worker: container worker runs a Celery worker and has no livenessProbe; a hung worker keeps its prefetched tasks and nothing restarts it"),
  ],
  [
    "Celery beat without one, its command from the image",
    () =>
      changed("Deployment", "celery-beat", (o) => {
        delete main(o).livenessProbe;
        delete main(o).command;
      }),
    one(POLICY, "advisory", "Deployment/celery-beat", "Deployment celery-beat: container beat runs a Celery beat and has no livenessProbe; a hung beat keeps its schedule and nothing restarts it"),
  ],
  [
    "a Celery worker a user runs as a bare Pod, found by its command",
    () => withUser("Pod", "adhoc-worker", (_, c) => (c.args = ["celery -A app worker -Q adhoc"])),
    one(POLICY, "advisory", "Pod/adhoc-worker", "Pod adhoc-worker: container main runs a Celery worker and has no livenessProbe; a hung worker keeps its prefetched tasks and nothing restarts it"),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("a container that runs something else needs none", async () => {
    expect(await evaluate(withUser("Job", "flower", (_, c) => (c.command = ["celery", "--app", "app", "flower"])))).toEqual([]);
    expect(await evaluate(changed("Deployment", "web", (o) => delete main(o).livenessProbe))).toEqual([]);
  });
});
