// The compliant baseline passes every policy; each case changes one thing and gets exactly one finding.
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/all";
import { type Finding, evaluate, UNKNOWN } from "../helpers/policy";
import { baseline, changed, container, find, hpa, main, scaledObject, setTuning } from "./fixtures";

/** 20 connections and 16MB maintenance_work_mem: a 1GB shared_buffers still fits 1536Mi, so only the 40% advisory speaks. */
const SMALL_PG = { work_mem: "1373kB", maintenance_work_mem: "16MB", max_connections: 20, rightsize_backend_memory: 3145728, rightsize_shm_bytes: 134217728 };
const one = (policy: string, level: string, resource: string, message: string): Finding[] => [{ policy, level, resource, message }];

describe("the compliant baseline", () => {
  it("passes every policy of the pack", async () => {
    expect(await evaluate(baseline())).toEqual([]);
  });

  it("the pack has the policies the README lists, at their levels", () => {
    expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["rightsize-enforce-node-budget", "mandatory"],
      ["rightsize-enforce-beat-singleton", "mandatory"],
      ["rightsize-enforce-broker-noeviction", "mandatory"],
      ["rightsize-enforce-celery-memory-fit", "mandatory"],
      ["rightsize-enforce-postgres-memory-fit", "mandatory"],
      ["rightsize-enforce-visibility-timeout", "mandatory"],
      ["rightsize-missing-resources", "advisory"],
      ["rightsize-disallow-requests-over-limits", "advisory"],
      ["rightsize-missing-readiness-probe", "advisory"],
      ["rightsize-disallow-identical-probes", "advisory"],
      ["rightsize-disallow-unpinned-image", "advisory"],
      ["rightsize-enforce-pod-security", "advisory"],
      ["rightsize-enforce-memory-emptydir-size", "advisory"],
      ["rightsize-missing-pdb", "advisory"],
      ["rightsize-configure-shared-buffers", "advisory"],
      ["rightsize-enforce-postgres-memory-request", "advisory"],
      ["rightsize-configure-redis-shared-role", "advisory"],
    ]);
  });
});

const cases: [string, () => ReturnType<typeof baseline>, Finding[]][] = [
  [
    "a Postgres memory request below its limit",
    () => changed("StatefulSet", "postgres", (o) => (main(o).resources.requests.memory = "1Gi")),
    one(
      "rightsize-enforce-postgres-memory-request",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres requests.memory 1Gi is below limits.memory 1536Mi, which the tuning is sized from; under node pressure the pod is evicted or OOM-killed first. Set the request to the limit",
    ),
  ],
  [
    "a Redis shared by broker and cache",
    () => changed("StatefulSet", "redis-broker", (o) => (o.metadata!.annotations!["rightsize.io/role"] = "shared")),
    one(
      "rightsize-configure-redis-shared-role",
      "advisory",
      "StatefulSet/redis-broker",
      "StatefulSet redis-broker: one Redis (rightsize.io/role shared) is both the Celery broker and a cache; volatile-lru keeps queued tasks only while every cache key has a TTL, and a cache key without one is never evicted. Prefer a broker instance with noeviction and a separate cache instance (redis.cache)",
    ),
  ],
  [
    "a container without a cpu request and a memory limit",
    () =>
      changed("Deployment", "web", (o) => {
        delete main(o).resources.requests.cpu;
        delete main(o).resources.limits.memory;
      }),
    one("rightsize-missing-resources", "advisory", "Deployment/web", "Deployment web: container web sets no requests.cpu, limits.memory"),
  ],
  [
    "an init container with no resources at all",
    () =>
      changed("Deployment", "web", (o) => {
        const { resources: _none, ...bare } = container("migrate", "registry.example.com/rightsize/app:1.0.0", { req: ["1m", "1Mi"], lim: ["1m", "1Mi"] });
        o.spec.template.spec.initContainers = [bare];
      }),
    one("rightsize-missing-resources", "advisory", "Deployment/web", "Deployment web: init container migrate sets no requests.cpu, requests.memory, limits.memory"),
  ],
  [
    "a memory request above the limit",
    () => changed("Deployment", "web", (o) => (main(o).resources.requests.memory = "1Gi")),
    one("rightsize-disallow-requests-over-limits", "advisory", "Deployment/web", "Deployment web: container web requests.memory 1Gi is larger than limits.memory 512Mi"),
  ],
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
  [
    "a liveness probe identical to readiness",
    () => changed("Deployment", "web", (o) => (main(o).livenessProbe = { ...main(o).readinessProbe })),
    one(
      "rightsize-disallow-identical-probes",
      "advisory",
      "Deployment/web",
      "Deployment web: container web livenessProbe is identical to its readinessProbe (httpGet /api/health on port http, every 10 s, timeout 5 s, 3 failures, delay 0 s); whatever makes a pod unready would restart every pod",
    ),
  ],
  [
    "an image with no tag",
    () => changed("StatefulSet", "postgres", (o) => (main(o).image = "registry.example.com:5000/postgres")),
    one(
      "rightsize-disallow-unpinned-image",
      "advisory",
      "StatefulSet/postgres",
      'StatefulSet postgres: container postgres image "registry.example.com:5000/postgres" has no tag; pin a version tag or an @sha256 digest',
    ),
  ],
  [
    "an image tagged latest",
    () => changed("StatefulSet", "postgres", (o) => (main(o).image = "postgres:latest")),
    one("rightsize-disallow-unpinned-image", "advisory", "StatefulSet/postgres", 'StatefulSet postgres: container postgres image "postgres:latest" uses the latest tag; pin a version tag or an @sha256 digest'),
  ],
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
  [
    "a memory-backed emptyDir without a sizeLimit",
    () => changed("Deployment", "playwright", (o) => delete o.spec.template.spec.volumes[0].emptyDir.sizeLimit),
    one(
      "rightsize-enforce-memory-emptydir-size",
      "advisory",
      "Deployment/playwright",
      "Deployment playwright: memory-backed emptyDir dshm has no sizeLimit; it counts against the pod's memory limit 3Gi and can fill it",
    ),
  ],
  [
    "a memory-backed emptyDir larger than the pod's memory limit",
    () => changed("Deployment", "playwright", (o) => (o.spec.template.spec.volumes[0].emptyDir.sizeLimit = "4Gi")),
    one("rightsize-enforce-memory-emptydir-size", "advisory", "Deployment/playwright", "Deployment playwright: memory-backed emptyDir dshm sizeLimit 4Gi exceeds the pod's memory limit 3Gi"),
  ],
  [
    "a replicated Deployment without a PodDisruptionBudget",
    () => baseline().filter((o) => o.kind !== "PodDisruptionBudget"),
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 2 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "a Deployment that an HPA scales out, without a PodDisruptionBudget",
    () => [...changed("Deployment", "web", (o) => (o.spec.replicas = 1)).filter((o) => o.kind !== "PodDisruptionBudget"), hpa("web", 1, 3)],
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 3 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "a Deployment that a KEDA ScaledObject scales out, without a PodDisruptionBudget",
    () => [...changed("Deployment", "web", (o) => delete o.spec.replicas).filter((o) => o.kind !== "PodDisruptionBudget"), scaledObject("web", 0, 4)],
    one(
      "rightsize-missing-pdb",
      "advisory",
      "Deployment/web",
      "Deployment web runs up to 4 replicas and no PodDisruptionBudget selects its pods; a node drain can evict them all at once",
    ),
  ],
  [
    "Postgres shared_buffers above 40% of the limit",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...SMALL_PG, shared_buffers: "1GB" })),
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres: shared_buffers 1GB (1Gi) is more than 40% of the memory limit 1536Mi (614.40Mi); work_mem, maintenance_work_mem and connections need the rest",
    ),
  ],
  [
    "Postgres shared_buffers as a bare number of 8kB blocks",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { ...SMALL_PG, shared_buffers: 131072 })),
    one(
      "rightsize-configure-shared-buffers",
      "advisory",
      "StatefulSet/postgres",
      "StatefulSet postgres: container postgres: shared_buffers 131072 (1Gi) is more than 40% of the memory limit 1536Mi (614.40Mi); work_mem, maintenance_work_mem and connections need the rest",
    ),
  ],
  [
    "Postgres shared_buffers in a unit Postgres rejects",
    () => changed("StatefulSet", "postgres", (o) => setTuning(o, { shared_buffers: "384mb" })),
    // The mandatory memory fit cannot count an unreadable value: a violation, not a pass.
    one(
      "rightsize-enforce-postgres-memory-fit",
      "mandatory",
      "StatefulSet/postgres",
      'StatefulSet postgres: shared_buffers "384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)',
    ).concat(
      one(
        "rightsize-configure-shared-buffers",
        "advisory",
        "StatefulSet/postgres",
        'StatefulSet postgres: shared_buffers "384mb" has unit "mb"; Postgres takes B, kB, MB, GB or TB (case-sensitive)',
      ),
    ),
  ],
];

describe("one change, one finding", () => {
  for (const [what, objects, expected] of cases) {
    it(what, async () => {
      expect(await evaluate(objects())).toEqual(expected);
    });
  }

  it("a digest pins an image even without a tag", async () => {
    const objects = changed("StatefulSet", "postgres", (o) => (main(o).image = `postgres@sha256:${"a".repeat(64)}`));
    expect(await evaluate(objects)).toEqual([]);
  });

  it("a pod-level runAsNonRoot covers its containers, and its absence is named per container", async () => {
    const objects = changed("Deployment", "web", (o) => delete o.spec.template.spec.securityContext.runAsNonRoot);
    expect(await evaluate(objects)).toEqual(one("rightsize-enforce-pod-security", "advisory", "Deployment/web", "Deployment web: container web: runAsNonRoot is not true"));
  });

  it("a workload no Service selects needs no readiness probe", async () => {
    const objects = changed("Deployment", "celery-worker", (o) => expect(main(o).readinessProbe).toBeUndefined());
    expect(find(objects, "Deployment", "celery-worker")).toBeDefined();
    expect(await evaluate(objects)).toEqual([]);
  });
});

describe("values unknown at preview are reported, never passed", () => {
  it("an unknown image is named by the policy that needed it", async () => {
    const objects = changed("Deployment", "web", (o) => (main(o).image = UNKNOWN));
    expect(await evaluate(objects)).toEqual(
      one(
        "rightsize-disallow-unpinned-image",
        "advisory",
        "Deployment/web",
        "Deployment web: cannot be checked at preview: string value at .spec.template.spec.containers.0.image can't be known during preview",
      ),
    );
  });

  it("an unknown memory limit keeps the node budget unproven, at the mandatory level", async () => {
    const objects = changed("Deployment", "web", (o) => (main(o).resources.limits.memory = UNKNOWN));
    const at = ".spec.template.spec.containers.0.resources.limits.memory";
    const unknown = `Deployment web: cannot be checked at preview: string value at ${at} can't be known during preview`;
    expect(await evaluate(objects)).toEqual([
      { policy: "rightsize-enforce-node-budget", level: "mandatory", resource: "stack", message: `The node budget is not proven: 1 object could not be counted: ${unknown}` },
      { policy: "rightsize-missing-resources", level: "advisory", resource: "Deployment/web", message: unknown },
      { policy: "rightsize-disallow-requests-over-limits", level: "advisory", resource: "Deployment/web", message: unknown },
    ]);
  });

  it("an unknown tuning annotation fails a mandatory tuning policy", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => (o.metadata.annotations["rightsize.io/tuning"] = UNKNOWN));
    expect(await evaluate(objects, {}, "rightsize-enforce-broker-noeviction")).toEqual(
      one(
        "rightsize-enforce-broker-noeviction",
        "mandatory",
        "StatefulSet/redis-broker",
        "StatefulSet redis-broker: cannot be checked at preview: string value at .metadata.annotations.rightsize.io/tuning can't be known during preview",
      ),
    );
  });
});
