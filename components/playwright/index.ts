// The browser service: a pinned Playwright/Chromium service image whose heap, sessions and /dev/shm are
// derived from its memory limit.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { formatMemory } from "../../model/quantity";
import type { PlaywrightConfig } from "../../config/schema/playwright";
import { bytes, seconds } from "../../model/units";
import { PLAYWRIGHT } from "../shared/endpoints";
import { APP_CLIENT_LABEL } from "../shared/labels";
import { type Probe, toK8sProbe } from "../shared/probes";
import { containerResources } from "../shared/resources";
import { containerSecurityContext, type WritableDir, writableDirs } from "../shared/security";
import { allowIngress, clusterService, podDisruptionBudget } from "../shared/wiring";
import { oneAtATime, podTemplate, workload } from "../shared/workload";
import { PLAYWRIGHT as DESCRIPTOR } from "./descriptor";
import { connectUrl, type PlaywrightSettings, playwrightEnv, playwrightSettings } from "./tuning";

export interface PlaywrightServiceArgs {
  readonly namespace: string;
  /** The validated `playwright` stack config. */
  readonly config: PlaywrightConfig;
  /** images.playwright: a pinned reference. */
  readonly image: string;
  /** The stack-config path of this workload, written on it for the tools. @default "playwright" */
  readonly configKey?: string;
  /** @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

export class PlaywrightService extends pulumi.ComponentResource {
  readonly settings: PlaywrightSettings;
  readonly deployment: k8s.apps.v1.Deployment;
  /** What clients pass to `chromium.connect()`, flags included. */
  readonly connectUrl: string;

  constructor(name: string, args: PlaywrightServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rightsize:app:PlaywrightService", name, {}, opts);
    const a = { dependsOn: [], configKey: "playwright", ...args };
    const c = a.config;
    const ns = a.namespace;
    const child = { parent: this, dependsOn: a.dependsOn };
    this.settings = playwrightSettings(c);
    const s = this.settings;
    const w = workload({ name, namespace: ns, label: "playwright", kind: DESCRIPTOR.kind, configKey: a.configKey, tuning: s });
    const { labels, selector } = w;
    this.connectUrl = connectUrl(s);

    const dirs: WritableDir[] = [
      // Browser profiles, downloads and, with --disable-dev-shm-usage, Chromium's shared memory files.
      { name: "tmp", mountPath: "/tmp", sizeLimit: "1Gi" },
      // Chromium and fontconfig write caches under $HOME.
      { name: "home", mountPath: "/home/blessuser", sizeLimit: "256Mi" },
      // Memory-backed, so it counts against the limit; the derivation subtracts it before sizing sessions.
      ...(s.shm_bytes > 0 ? [{ name: "dshm", mountPath: "/dev/shm", medium: "Memory" as const, sizeLimit: formatMemory(bytes(s.shm_bytes)) }] : []),
    ];
    const v = writableDirs(dirs);
    // The health path answers from the Node server alone: no probe ever launches a browser.
    const http = { kind: "http" as const, path: c.healthPath, port: "http" };
    const startup: Probe = { ...http, periodSeconds: seconds(5), timeoutSeconds: seconds(3), failureThreshold: 24 };
    const readiness: Probe = { ...http, periodSeconds: seconds(10), timeoutSeconds: seconds(5), failureThreshold: 3 };
    // Busy sessions can starve the event loop for seconds; three misses 20 s apart before a restart.
    const liveness: Probe = { ...http, periodSeconds: seconds(20), timeoutSeconds: seconds(10), failureThreshold: 3 };

    const env = [
      ...playwrightEnv(s),
      ...Object.entries(c.env).map(([k, val]) => ({ name: k, value: val })),
    ];

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: w.metadata,
        spec: {
          ...oneAtATime(w, c.replicas),
          template: podTemplate(w, { uid: c.uid }, {
              // The image's entrypoint is a shell script, not an init: with a shared process namespace the
              // pod's pause process is PID 1 and reaps the Chromium helpers that exit after their parent.
              shareProcessNamespace: true,
              // Let running sessions reach their timeout before SIGKILL.
              terminationGracePeriodSeconds: c.requestTimeout + 10,
              containers: [
                {
                  name: "playwright",
                  image: a.image,
                  ports: [{ name: "http", containerPort: PLAYWRIGHT.port, protocol: "TCP" }],
                  env,
                  resources: containerResources(c.resources),
                  startupProbe: toK8sProbe(startup),
                  readinessProbe: toK8sProbe(readiness),
                  livenessProbe: toK8sProbe(liveness),
                  securityContext: containerSecurityContext(),
                  volumeMounts: v.mounts,
                },
              ],
              volumes: v.volumes,
            }),
        },
      },
      child,
    );
    clusterService(name, { namespace: ns, labels, selector, ports: [{ name: "http", port: PLAYWRIGHT.port }] }, child);
    if (c.replicas > 1) podDisruptionBudget(name, { namespace: ns, labels, selector }, child);
    allowIngress(`${name}-allow`, { namespace: ns, labels, selector, ports: [PLAYWRIGHT.port], fromPods: [APP_CLIENT_LABEL] }, child);
    this.registerOutputs({ sessions: s.CONCURRENT, connectUrl: this.connectUrl });
  }
}
