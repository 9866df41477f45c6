// rightsize-disallow-added-capabilities: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, container, main, withUser } from "./fixtures";

const POLICY = "rightsize-disallow-added-capabilities";
const RULE = 'Pod Security "restricted" allows adding only NET_BIND_SERVICE, and any other capability undoes drop ALL';
const add = (...caps: string[]) => (o: any) => (main(o).securityContext.capabilities.add = caps);

const cases: Case[] = [
  [
    "the browser adds SYS_ADMIN after dropping ALL (Chromium's sandbox)",
    () => changed("Deployment", "playwright", add("SYS_ADMIN")),
    one(POLICY, "mandatory", "Deployment/playwright", `Deployment playwright: container chromium: securityContext.capabilities.add has SYS_ADMIN; ${RULE}`),
  ],
  [
    "a worker adds all, in lower case",
    () => changed("Deployment", "celery-worker", add("all")),
    one(POLICY, "mandatory", "Deployment/celery-worker", `Deployment celery-worker: container worker: securityContext.capabilities.add has all; ${RULE}`),
  ],
  [
    "Sys_Admin in mixed case beside an allowed net_bind_service",
    () => changed("StatefulSet", "postgres", add("net_bind_service", "Sys_Admin")),
    one(POLICY, "mandatory", "StatefulSet/postgres", `StatefulSet postgres: container postgres: securityContext.capabilities.add has Sys_Admin; ${RULE}`),
  ],
  [
    "an init container adds NET_ADMIN",
    () =>
      changed("Deployment", "web", (o) => {
        const init = container("migrate", "registry.example.com/rightsize/app:1.0.0", { req: ["10m", "16Mi"], lim: ["100m", "64Mi"] });
        init.securityContext.capabilities.add = ["NET_ADMIN"];
        o.spec.template.spec.initContainers = [init];
      }),
    one(POLICY, "mandatory", "Deployment/web", `Deployment web: init container migrate: securityContext.capabilities.add has NET_ADMIN; ${RULE}`),
  ],
  [
    "a DaemonSet a user adds beside the stack, with CAP_SYS_PTRACE",
    () => withUser("DaemonSet", "node-agent", (_, c) => (c.securityContext.capabilities.add = ["CAP_SYS_PTRACE"])),
    one(POLICY, "mandatory", "DaemonSet/node-agent", `DaemonSet node-agent: container main: securityContext.capabilities.add has CAP_SYS_PTRACE; ${RULE}`),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("NET_BIND_SERVICE may be added back, in any case", async () => {
    expect(await evaluate(changed("Deployment", "web", add("NET_BIND_SERVICE")))).toEqual([]);
    expect(await evaluate(changed("Deployment", "web", add("Net_Bind_Service")))).toEqual([]);
  });
});
