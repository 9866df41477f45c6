// The usage the recommend tests backfill for the prod stack (namespace `rightsize`), one story per
// workload, each chosen so its proposal is easy to state exactly after rounding:
// - web: steady at about a third of its requests (over-provisioned 3x): limits go down, workers follow;
// - celery-worker-default: near its 1Gi limit with an OOM kill: memory goes up, the per-child cap follows;
// - postgres: a 2200Mi peak under a 4Gi limit: shared_buffers follows the smaller limit (with a 1600Mi
//   peak the proposal leaves too little for 300 connections, and validation rejects it);
// - firecrawl-worker: 2 h of history only: kept, with the reason;
// - legacy-api: a pod no workload of the stack owns: reported and ignored;
// - frontend: the working set is NaN throughout: memory kept, CPU proposed;
// - redis-cache: no series at all: kept;
// - playwright: OOM-killed at its 3Gi limit (kube-state-metrics reports the limit at the kill);
// - redis-broker: redis_exporter reports a 560Mi dataset under a 700Mi working set;
// - meilisearch: throttled in 40% of its CFS periods at a 2-core limit;
// - firecrawl-api: restarted twice with reason Error; celery-beat: an OOMKilled reason with no restart;
// - a migration Job's pod and a CronJob's pod named after web, which must never count as web's;
// - the rest: steady at 40% of the memory limit and a quarter of the CPU request.
import { MiB } from "../../../model/units";
import { type ContainerSeries, deploymentPod, noise, statefulSetPod } from "./openmetrics";

export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** One workload as the scenario needs it: its pods' names and its container. */
export interface Target {
  name: string;
  kind: "Deployment" | "StatefulSet";
  container: string;
  replicas: number;
  /** The current limits and requests (as prod renders them), to scale "steady" usage. */
  memoryLimitMi: number;
  cpuRequestMillis: number;
}

/** prod's workloads, as `npm run render -- prod` writes them. */
export const PROD: Target[] = [
  { name: "web", kind: "Deployment", container: "web", replicas: 2, memoryLimitMi: 1024, cpuRequestMillis: 500 },
  { name: "celery-worker-default", kind: "Deployment", container: "worker", replicas: 2, memoryLimitMi: 1024, cpuRequestMillis: 200 },
  { name: "celery-worker-scraping", kind: "Deployment", container: "worker", replicas: 2, memoryLimitMi: 2048, cpuRequestMillis: 300 },
  { name: "celery-beat", kind: "Deployment", container: "beat", replicas: 1, memoryLimitMi: 256, cpuRequestMillis: 50 },
  { name: "firecrawl-api", kind: "Deployment", container: "firecrawl-api", replicas: 2, memoryLimitMi: 768, cpuRequestMillis: 150 },
  { name: "firecrawl-worker", kind: "Deployment", container: "firecrawl-worker", replicas: 1, memoryLimitMi: 1024, cpuRequestMillis: 200 },
  { name: "frontend", kind: "Deployment", container: "frontend", replicas: 2, memoryLimitMi: 256, cpuRequestMillis: 50 },
  { name: "playwright", kind: "Deployment", container: "playwright", replicas: 2, memoryLimitMi: 3072, cpuRequestMillis: 400 },
  { name: "meilisearch", kind: "StatefulSet", container: "meilisearch", replicas: 1, memoryLimitMi: 2048, cpuRequestMillis: 500 },
  { name: "postgres", kind: "StatefulSet", container: "postgres", replicas: 1, memoryLimitMi: 4096, cpuRequestMillis: 1500 },
  { name: "redis-broker", kind: "StatefulSet", container: "redis", replicas: 1, memoryLimitMi: 1024, cpuRequestMillis: 500 },
  { name: "redis-cache", kind: "StatefulSet", container: "redis", replicas: 1, memoryLimitMi: 1024, cpuRequestMillis: 250 },
];

export const podsOf = (t: Target) => Array.from({ length: t.replicas }, (_, i) => (t.kind === "Deployment" ? deploymentPod(t.name, i) : statefulSetPod(t.name, i)));

/** Where the peak sample sits: any index inside every series. */
const PEAK_AT = 100;

/** Memory around `base` with `spread` of noise, and exactly `peak` at one sample (the peak is then exact). */
const memoryAround = (seed: number, baseMi: number, spreadMi: number, peakMi: number) => (i: number) =>
  i === PEAK_AT ? peakMi * MiB : (baseMi + spreadMi * noise(seed, i)) * MiB;
const cpuAround = (seed: number, base: number, spread: number) => (i: number) => base + spread * noise(seed + 1000, i);

/** Steady use: 40% of the memory limit (peak 40%), a quarter of the CPU request. */
export function steady(t: Target, namespace: string, seconds: number, seed = 1): ContainerSeries[] {
  const peak = Math.round(t.memoryLimitMi * 0.4);
  return podsOf(t).map((pod, i) => ({
    namespace,
    pod,
    container: t.container,
    seconds,
    cpu: cpuAround(seed + i, (t.cpuRequestMillis / 1000) * 0.2, (t.cpuRequestMillis / 1000) * 0.1),
    memory: memoryAround(seed + i, peak * 0.8, peak * 0.15, peak),
  }));
}

const target = (name: string) => PROD.find((t) => t.name === name)!;

/** Usage around fixed figures: CPU in cores (base, spread), memory in MiB (base, spread, the exact peak). */
interface Around {
  cpu: readonly [number, number];
  memoryMi: readonly [number, number, number];
}

/**
 * Each pod of a prod workload, in its own container, with usage `around` the figures, pod i's noise seeded
 * `seed + i`; `more(i)` adds what is particular to pod i (its limits, a kill, an owner).
 */
function podsAround(namespace: string, seconds: number, name: string, seed: number, around: Around, more: (i: number) => Partial<ContainerSeries> = () => ({})): ContainerSeries[] {
  const t = target(name);
  return podsOf(t).map((pod, i) => ({
    namespace,
    pod,
    container: t.container,
    seconds,
    cpu: cpuAround(seed + i, ...around.cpu),
    memory: memoryAround(seed + i, ...around.memoryMi),
    ...more(i),
  }));
}

/** prod's web: 0.13 cores and 250Mi, 330Mi at the peak. */
const WEB_USE: Around = { cpu: [0.13, 0.05], memoryMi: [250, 60, 330] };

/** The recommend tests' story for prod, over `days` of history. */
export function prodScenario(namespace = "rightsize", seconds = 2 * DAY, postgresPeakMi = 2200): ContainerSeries[] {
  const out: ContainerSeries[] = [];
  out.push(...podsAround(namespace, seconds, "web", 10, WEB_USE, () => ({ podCgroup: true })));
  out.push(
    ...podsAround(namespace, seconds, "celery-worker-default", 20, { cpu: [0.5, 0.1], memoryMi: [850, 100, 1000] }, (i) => ({
      limits: { memory: 1024 * MiB, cpu: 1 },
      ...(i === 1 ? { oomAt: 1500, restarts: 1 } : {}),
    })),
  );
  out.push(
    ...podsAround(namespace, seconds, "playwright", 70, { cpu: [0.1, 0.05], memoryMi: [2400, 400, 3000] }, (i) => ({
      limits: { memory: 3072 * MiB, cpu: 2 },
      ...(i === 0 ? { oomAt: 1200, restarts: 1 } : {}),
    })),
  );
  out.push({
    namespace,
    pod: "redis-broker-0",
    container: "redis",
    seconds,
    cpu: cpuAround(80, 0.1, 0.02),
    memory: memoryAround(80, 600, 50, 700),
    redis: { used: (i) => (i === PEAK_AT ? 560 * MiB : (480 + 40 * noise(81, i)) * MiB), max: 614 * MiB },
  });
  out.push({ namespace, pod: "meilisearch-0", container: "meilisearch", seconds, cpu: cpuAround(90, 0.9, 0.1), memory: memoryAround(90, 700, 50, 800), limits: { cpu: 2 }, throttled: 0.4 });
  out.push(...podsAround(namespace, seconds, "firecrawl-api", 110, { cpu: [0.03, 0.01], memoryMi: [250, 30, 300] }, () => ({ restarts: 2, terminated: { at: 200, reason: "Error" } })));
  // One replica: its pod's noise seed is 120.
  out.push(...podsAround(namespace, seconds, "celery-beat", 120, { cpu: [0.01, 0.002], memoryMi: [80, 10, 100] }, () => ({ oomAt: 0 })));
  // A migration Job's pod and a CronJob's pod, named after web: never web's usage.
  out.push({ namespace, pod: "web-migrate-z9zpm", container: "web", seconds: 2 * HOUR, cpu: cpuAround(130, 0.5, 0.1), memory: memoryAround(130, 1500, 100, 1843) });
  out.push({ namespace, pod: "web-28391234-cpgpk", container: "web", seconds: 3 * HOUR, cpu: cpuAround(140, 0.5, 0.1), memory: memoryAround(140, 1400, 100, 1536) });
  out.push({ namespace, pod: "postgres-0", container: "postgres", seconds, cpu: cpuAround(30, 0.35, 0.1), memory: memoryAround(30, postgresPeakMi - 400, 250, postgresPeakMi) });
  for (const pod of podsOf(target("firecrawl-worker"))) out.push({ namespace, pod, container: "firecrawl-worker", seconds: 2 * HOUR, cpu: cpuAround(40, 0.05, 0.02), memory: memoryAround(40, 200, 50, 300) });
  out.push({ namespace, pod: "legacy-api-5d8f7c9b4-x2k9q", container: "api", seconds, cpu: cpuAround(50, 0.3, 0.1), memory: memoryAround(50, 500, 50, 600) });
  podsOf(target("frontend")).forEach((pod, i) => out.push({ namespace, pod, container: "frontend", seconds, cpu: cpuAround(60 + i, 0.02, 0.005), memory: () => NaN }));
  const special = new Set(["web", "celery-worker-default", "postgres", "firecrawl-worker", "frontend", "redis-cache", "playwright", "redis-broker", "meilisearch", "firecrawl-api", "celery-beat"]);
  PROD.filter((t) => !special.has(t.name)).forEach((t, k) => out.push(...steady(t, namespace, seconds, 100 + 10 * k)));
  return out;
}

/** Usage that outgrows the budget: every workload near its memory limit, two of them OOM-killed. */
export function tightScenario(namespace: string, seconds = 2 * DAY): ContainerSeries[] {
  return PROD.flatMap((t, k) =>
    podsOf(t).map((pod, i) => ({
      namespace,
      pod,
      container: t.container,
      seconds,
      cpu: cpuAround(200 + k * 10 + i, (t.cpuRequestMillis / 1000) * 0.8, (t.cpuRequestMillis / 1000) * 0.1),
      memory: memoryAround(200 + k * 10 + i, t.memoryLimitMi * 0.85, t.memoryLimitMi * 0.05, t.memoryLimitMi * 0.95),
      ...(t.name === "playwright" || t.name === "celery-worker-scraping" ? { oomAt: 2000, restarts: 2 } : {}),
    })),
  );
}

/** The bench's data: every prod workload steady, over `seconds` (7 days at 30 s there). */
export function benchScenario(namespace: string, seconds: number): ContainerSeries[] {
  return PROD.flatMap((t, k) => steady(t, namespace, seconds, 300 + 10 * k));
}

/**
 * prod's web with kube-state-metrics' owner series: its pods through their ReplicaSet to the Deployment,
 * and a Job's pod named like a Deployment's (`web-bcdfg-xz2k4`) that only the owner series tell apart.
 */
export function ownedScenario(namespace: string, seconds = 2 * DAY): ContainerSeries[] {
  const rs = deploymentPod("web", 0).split("-").slice(0, 2).join("-");
  const out = podsAround(namespace, seconds, "web", 10, WEB_USE, () => ({ owner: { kind: "ReplicaSet", name: rs, deployment: "web" } }));
  out.push({ namespace, pod: "web-bcdfg-xz2k4", container: "web", seconds: 2 * HOUR, cpu: cpuAround(150, 0.5, 0.1), memory: memoryAround(150, 1500, 100, 1843), owner: { kind: "Job", name: "web-bcdfg" } });
  out.push({ namespace, pod: "web-migrate-z9zpm", container: "web", seconds: 2 * HOUR, cpu: cpuAround(130, 0.5, 0.1), memory: memoryAround(130, 1500, 100, 1843), owner: { kind: "Job", name: "web-migrate" } });
  return out;
}

/** dev's web (1 replica, 2 gunicorn workers in 512Mi) peaking at 167Mi: ~52Mi a worker, not the 200Mi declared. */
export function devWebScenario(namespace: string, seconds = 2 * DAY): ContainerSeries[] {
  const pod = deploymentPod("web", 0);
  return [{ namespace, pod, container: "web", seconds, cpu: cpuAround(160, 0.05, 0.02), memory: memoryAround(160, 130, 20, 167), limits: { memory: 512 * MiB, cpu: 0.5 } }];
}

/**
 * A week: Postgres leaking linearly from 1500Mi to 3000Mi (its limit is 4Gi), and web sampled only in
 * short bursts (about 4 h of coverage spread over 6.5 days).
 */
export function leakScenario(namespace: string, seconds = 7 * DAY, step = 60): ContainerSeries[] {
  const n = Math.floor(seconds / step);
  return [
    { namespace, pod: "postgres-0", container: "postgres", seconds, cpu: cpuAround(170, 0.3, 0.05), memory: (i) => (1500 + (1500 * i) / n + 20 * noise(171, i)) * MiB },
    // 5 samples every 390: 24 bursts.
    ...podsAround(namespace, Math.floor(6.5 * DAY), "web", 180, WEB_USE, () => ({ gap: (i: number) => i !== PEAK_AT && i % 390 >= 5 })),
  ];
}
