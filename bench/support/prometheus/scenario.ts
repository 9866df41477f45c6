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

/** The recommend tests' story for prod, over `days` of history. */
export function prodScenario(namespace = "rightsize", seconds = 2 * DAY, postgresPeakMi = 2200): ContainerSeries[] {
  const out: ContainerSeries[] = [];
  const web = podsOf(target("web"));
  web.forEach((pod, i) =>
    out.push({ namespace, pod, container: "web", seconds, cpu: cpuAround(10 + i, 0.13, 0.05), memory: memoryAround(10 + i, 250, 60, 330), podCgroup: true }),
  );
  podsOf(target("celery-worker-default")).forEach((pod, i) =>
    out.push({
      namespace,
      pod,
      container: "worker",
      seconds,
      cpu: cpuAround(20 + i, 0.5, 0.1),
      memory: memoryAround(20 + i, 850, 100, 1000),
      ...(i === 1 ? { oomAt: 1500, restarts: 1 } : {}),
    }),
  );
  out.push({ namespace, pod: "postgres-0", container: "postgres", seconds, cpu: cpuAround(30, 0.35, 0.1), memory: memoryAround(30, postgresPeakMi - 400, 250, postgresPeakMi) });
  for (const pod of podsOf(target("firecrawl-worker"))) out.push({ namespace, pod, container: "firecrawl-worker", seconds: 2 * HOUR, cpu: cpuAround(40, 0.05, 0.02), memory: memoryAround(40, 200, 50, 300) });
  out.push({ namespace, pod: "legacy-api-5d8f7c9b4-x2k9q", container: "api", seconds, cpu: cpuAround(50, 0.3, 0.1), memory: memoryAround(50, 500, 50, 600) });
  podsOf(target("frontend")).forEach((pod, i) => out.push({ namespace, pod, container: "frontend", seconds, cpu: cpuAround(60 + i, 0.02, 0.005), memory: () => NaN }));
  const special = new Set(["web", "celery-worker-default", "postgres", "firecrawl-worker", "frontend", "redis-cache"]);
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
