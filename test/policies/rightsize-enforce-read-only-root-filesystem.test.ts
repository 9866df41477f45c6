// rightsize-enforce-read-only-root-filesystem: one change from the compliant baseline, one finding with the
// exact message; a writable emptyDir mounted (extras' writableDirs) is a declared place to write.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main, withUser } from "./fixtures";

const POLICY = "rightsize-enforce-read-only-root-filesystem";
const FIX = "set it to true and mount an emptyDir where the software writes (extras: writableDirs)";

/** An extra as components/extras renders `readOnlyRootFilesystem` and `writableDirs: {/tmp: 64Mi}`. */
function extra(readOnly: boolean, writable: boolean) {
  return changed("Deployment", "celery-beat", (o) => {
    main(o).securityContext.readOnlyRootFilesystem = readOnly;
    o.spec.template.spec.volumes = writable ? [{ name: "writable-0", emptyDir: { sizeLimit: "64Mi" } }] : [];
    main(o).volumeMounts = writable ? [{ name: "writable-0", mountPath: "/tmp" }] : [];
  });
}

const cases: Case[] = [
  [
    "an extra turned to a writable root with no writableDirs",
    () => extra(false, false),
    one(POLICY, "advisory", "Deployment/celery-beat", `Deployment celery-beat: container beat: securityContext.readOnlyRootFilesystem is false and no writable emptyDir is mounted; ${FIX}`),
  ],
  [
    "a container that does not set it, mounting only a read-only emptyDir",
    () =>
      changed("Deployment", "web", (o) => {
        delete main(o).securityContext.readOnlyRootFilesystem;
        o.spec.template.spec.volumes = [{ name: "static", emptyDir: {} }];
        main(o).volumeMounts = [{ name: "static", mountPath: "/srv/static", readOnly: true }];
      }),
    one(POLICY, "advisory", "Deployment/web", `Deployment web: container web: securityContext.readOnlyRootFilesystem is not set and no writable emptyDir is mounted; ${FIX}`),
  ],
  [
    "a Job a user adds with a writable root",
    () => withUser("Job", "backfill", (_, c) => (c.securityContext.readOnlyRootFilesystem = false)),
    one(POLICY, "advisory", "Job/backfill", `Job backfill: container main: securityContext.readOnlyRootFilesystem is false and no writable emptyDir is mounted; ${FIX}`),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("a writable root beside declared writableDirs passes, as does a read-only root with none", async () => {
    expect(await evaluate(extra(false, true))).toEqual([]);
    expect(await evaluate(extra(true, false))).toEqual([]);
  });
});
