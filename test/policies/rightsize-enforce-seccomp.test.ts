// rightsize-enforce-seccomp: one change from the compliant baseline, one finding with the exact message;
// the pod's profile covers its containers, and a container's own profile overrides it either way.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main, withUser } from "./fixtures";

const POLICY = "rightsize-enforce-seccomp";
const FIX = "set seccompProfile.type RuntimeDefault (or Localhost) so the container does not run Unconfined";
const pod = (o: any) => o.spec.template.spec.securityContext;

const cases: Case[] = [
  [
    "no profile at pod or container level",
    () => changed("Deployment", "web", (o) => delete pod(o).seccompProfile),
    one(POLICY, "advisory", "Deployment/web", `Deployment web: container web: no seccompProfile.type at pod or container level; ${FIX}`),
  ],
  [
    "the pod's profile Unconfined",
    () => changed("StatefulSet", "redis-broker", (o) => (pod(o).seccompProfile = { type: "Unconfined" })),
    one(POLICY, "advisory", "StatefulSet/redis-broker", `StatefulSet redis-broker: container redis: seccompProfile.type is Unconfined (pod level); ${FIX}`),
  ],
  [
    "a container that overrides the pod's RuntimeDefault with Unconfined",
    () => changed("Deployment", "playwright", (o) => (main(o).securityContext.seccompProfile = { type: "Unconfined" })),
    one(POLICY, "advisory", "Deployment/playwright", `Deployment playwright: container chromium: securityContext.seccompProfile.type is Unconfined (container level, overriding the pod's RuntimeDefault); ${FIX}`),
  ],
  [
    "a CronJob a user adds with no profile",
    () => withUser("CronJob", "report", (spec) => delete spec.securityContext.seccompProfile),
    one(POLICY, "advisory", "CronJob/report", `CronJob report: container main: no seccompProfile.type at pod or container level; ${FIX}`),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("a container's own RuntimeDefault or Localhost covers it when the pod sets none", async () => {
    const own = (type: string) =>
      changed("Deployment", "web", (o) => {
        delete pod(o).seccompProfile;
        main(o).securityContext.seccompProfile = { type, ...(type === "Localhost" ? { localhostProfile: "profiles/web.json" } : {}) };
      });
    expect(await evaluate(own("RuntimeDefault"))).toEqual([]);
    expect(await evaluate(own("Localhost"))).toEqual([]);
  });

  it("with the pod Unconfined, each container is named unless it sets its own", async () => {
    const objects = changed("Deployment", "web", (o) => {
      pod(o).seccompProfile = { type: "Unconfined" };
      o.spec.template.spec.containers.push({ ...structuredClone(main(o)), name: "sidecar", securityContext: { ...main(o).securityContext, seccompProfile: { type: "RuntimeDefault" } } });
    });
    expect((await evaluate(objects)).filter((f) => f.policy === POLICY).map((f) => f.message)).toEqual([
      `Deployment web: container web: seccompProfile.type is Unconfined (pod level); ${FIX}`,
    ]);
  });
});
