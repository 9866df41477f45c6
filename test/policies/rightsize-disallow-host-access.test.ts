// rightsize-disallow-host-access: one change from the compliant baseline, one finding with the exact message.
import { describe, expect, it } from "vitest";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main, withUser } from "./fixtures";

const POLICY = "rightsize-disallow-host-access";
const podSpec = (o: any) => o.spec.template.spec;

const cases: Case[] = [
  [
    "a hostPath volume",
    () => changed("Deployment", "celery-worker", (o) => podSpec(o).volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }]),
    one(POLICY, "mandatory", "Deployment/celery-worker", "Deployment celery-worker: the pod mounts volume docker from hostPath /var/run/docker.sock; use an emptyDir or a PersistentVolumeClaim"),
  ],
  [
    "a hostPort",
    () => changed("Deployment", "web", (o) => (main(o).ports = [{ name: "http", containerPort: 8000, hostPort: 80 }])),
    one(POLICY, "mandatory", "Deployment/web", "Deployment web: container web: ports set hostPort 80; use a Service"),
  ],
  [
    "an unmasked /proc",
    () => changed("Deployment", "playwright", (o) => (main(o).securityContext.procMount = "Unmasked")),
    one(POLICY, "mandatory", "Deployment/playwright", "Deployment playwright: container chromium: securityContext.procMount is Unmasked; only Default masks the node's /proc"),
  ],
  [
    "a Windows HostProcess pod",
    () => changed("Deployment", "celery-beat", (o) => (podSpec(o).securityContext.windowsOptions = { hostProcess: true })),
    one(POLICY, "mandatory", "Deployment/celery-beat", "Deployment celery-beat: the pod sets securityContext.windowsOptions.hostProcess true"),
  ],
  [
    "a HostProcess container in a Pod a user adds",
    () => withUser("Pod", "debug", (_, c) => (c.securityContext.windowsOptions = { hostProcess: true })),
    one(POLICY, "mandatory", "Pod/debug", "Pod debug: container main: securityContext.windowsOptions.hostProcess is true"),
  ],
  [
    "an unsafe sysctl beside a safe one",
    () =>
      changed("StatefulSet", "redis-broker", (o) => {
        podSpec(o).securityContext.sysctls = [
          { name: "net.ipv4.tcp_syncookies", value: "1" },
          { name: "net.core.somaxconn", value: "1024" },
        ];
      }),
    one(
      POLICY,
      "mandatory",
      "StatefulSet/redis-broker",
      "StatefulSet redis-broker: the pod sets unsafe sysctls net.core.somaxconn=1024; they reach the node's kernel, and the kubelet refuses them unless allowed per node",
    ),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("procMount Default, hostPort 0 and the safe sysctls pass", async () => {
    const objects = changed("Deployment", "web", (o) => {
      main(o).securityContext.procMount = "Default";
      main(o).ports = [{ containerPort: 8000, hostPort: 0 }];
      podSpec(o).securityContext.sysctls = [{ name: "net.ipv4.ip_local_port_range", value: "1024 65535" }];
    });
    expect(await evaluate(objects)).toEqual([]);
  });
});
