// Writes usage series as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, in the
// shapes cAdvisor and kube-state-metrics expose them: labels namespace/pod/container, a counter for CPU
// seconds, a gauge for the working set, the last termination reason and a restart counter. Values are
// deterministic (a hash, not Math.random), so the tests can state the exact proposals.
import { closeSync, openSync, writeSync } from "node:fs";

export interface ContainerSeries {
  namespace: string;
  pod: string;
  container: string;
  /** How far back the series starts, in seconds before the end. */
  seconds: number;
  /** Cores used during sample i. */
  cpu: (i: number) => number;
  /** Working set at sample i, in bytes (NaN allowed: cAdvisor can report it). */
  memory: (i: number) => number;
  /** Sample index from which kube-state-metrics reports the last termination as OOMKilled. */
  oomAt?: number;
  /** Restarts, spread evenly over the series. */
  restarts?: number;
  /** Also emit the pod's own cgroup (container=""), which the queries must leave out. */
  podCgroup?: boolean;
  /** Sample index from which the last termination has this other reason (Error, Completed). */
  terminated?: { at: number; reason: string };
  /** kube-state-metrics' kube_pod_container_resource_limits: memory in bytes, cpu in cores. */
  limits?: { memory?: number; cpu?: number };
  /** kube-state-metrics' kube_pod_owner (and, for a ReplicaSet, kube_replicaset_owner to its Deployment). */
  owner?: { kind: string; name: string; deployment?: string };
  /** cAdvisor's CFS counters: this share of the periods throttled. */
  throttled?: number;
  /** redis_exporter beside the container: used memory at sample i, and maxmemory. */
  redis?: { used: (i: number) => number; max: number };
  /** No sample at index i (a scrape gap). */
  gap?: (i: number) => boolean;
}

/** A number in [0, 1) from a seed and an index: deterministic noise. */
export function noise(seed: number, i: number): number {
  let h = (seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function pick(seed: string, n: number): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let out = "";
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(noise(h, i) * ALPHABET.length)];
  return out;
}

/** A Deployment's pod name: `<name>-<pod-template-hash>-<5 chars>`, as the ReplicaSet controller makes it. */
export function deploymentPod(name: string, i: number): string {
  return `${name}-${pick(`${name}-hash`, 9)}-${pick(`${name}-${i}`, 5)}`;
}

/** A StatefulSet's pod name: `<name>-<ordinal>`. */
export const statefulSetPod = (name: string, ordinal: number) => `${name}-${ordinal}`;

const labels = (s: { namespace: string; pod: string; container: string }, extra = "") =>
  `{namespace="${s.namespace}",pod="${s.pod}",container="${s.container}"${extra}}`;

/** Writes every series, family by family, ending at `end` (unix seconds) with one sample per `step`. */
export function writeOpenMetrics(path: string, series: readonly ContainerSeries[], end: number, step: number): { samples: number } {
  const fd = openSync(path, "w");
  let samples = 0;
  let buf = "";
  const out = (line: string) => {
    buf += line + "\n";
    samples++;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = "";
    }
  };
  const times = (s: ContainerSeries) => {
    const n = Math.floor(s.seconds / step) + 1;
    return { n, at: (i: number) => end - (n - 1 - i) * step };
  };
  const each = (s: ContainerSeries, f: (i: number, t: number) => void) => {
    const { n, at } = times(s);
    for (let i = 0; i < n; i++) if (!s.gap?.(i)) f(i, at(i));
  };
  // cAdvisor's series: the container's cgroup and, with podCgroup, the pod's, which holds every container
  // and more (twice the container's use here).
  const cgroups = (s: ContainerSeries) => (s.podCgroup ? [{ c: s, factor: 1 }, { c: { ...s, container: "" }, factor: 2 }] : [{ c: s, factor: 1 }]);
  buf += "# TYPE container_cpu_usage_seconds counter\n";
  for (const s of series) {
    const { n, at } = times(s);
    for (const { c, factor } of cgroups(s)) {
      let total = 1000 * noise(7, s.pod.length);
      for (let i = 0; i < n; i++) {
        total += s.cpu(i) * step * factor;
        if (!s.gap?.(i)) out(`container_cpu_usage_seconds_total${labels(c)} ${total.toFixed(6)} ${at(i)}`);
      }
    }
  }
  buf += "# TYPE container_memory_working_set_bytes gauge\n";
  for (const s of series) {
    const { n, at } = times(s);
    for (const { c, factor } of cgroups(s)) {
      for (let i = 0; i < n; i++) {
        if (!s.gap?.(i)) out(`container_memory_working_set_bytes${labels(c)} ${Number.isNaN(s.memory(i)) ? "NaN" : Math.round(s.memory(i) * factor)} ${at(i)}`);
      }
    }
  }
  buf += "# TYPE kube_pod_container_status_last_terminated_reason gauge\n";
  for (const s of series) {
    if (s.oomAt === undefined) continue;
    const { n, at } = times(s);
    for (let i = s.oomAt; i < n; i++) out(`kube_pod_container_status_last_terminated_reason${labels(s, ',reason="OOMKilled"')} 1 ${at(i)}`);
  }
  for (const s of series) {
    if (!s.terminated) continue;
    const { n, at } = times(s);
    for (let i = s.terminated.at; i < n; i++) out(`kube_pod_container_status_last_terminated_reason${labels(s, `,reason="${s.terminated.reason}"`)} 1 ${at(i)}`);
  }
  buf += "# TYPE kube_pod_container_resource_limits gauge\n";
  for (const s of series) {
    for (const [resource, v, unit] of [["memory", s.limits?.memory, "byte"], ["cpu", s.limits?.cpu, "core"]] as const) {
      if (v !== undefined) each(s, (_i, t) => out(`kube_pod_container_resource_limits${labels(s, `,resource="${resource}",unit="${unit}"`)} ${v} ${t}`));
    }
  }
  buf += "# TYPE kube_pod_owner gauge\n";
  for (const s of series) {
    if (!s.owner) continue;
    const l = `{namespace="${s.namespace}",pod="${s.pod}",owner_kind="${s.owner.kind}",owner_name="${s.owner.name}",owner_is_controller="true"}`;
    each(s, (_i, t) => out(`kube_pod_owner${l} 1 ${t}`));
  }
  buf += "# TYPE kube_replicaset_owner gauge\n";
  const replicaSets = new Map<string, ContainerSeries>();
  for (const s of series) if (s.owner?.kind === "ReplicaSet" && s.owner.deployment) replicaSets.set(`${s.namespace}/${s.owner.name}`, s);
  for (const s of replicaSets.values()) {
    const l = `{namespace="${s.namespace}",replicaset="${s.owner!.name}",owner_kind="Deployment",owner_name="${s.owner!.deployment}",owner_is_controller="true"}`;
    each(s, (_i, t) => out(`kube_replicaset_owner${l} 1 ${t}`));
  }
  // cAdvisor's CFS counters: 600 periods a minute (100 ms each).
  for (const [family, share] of [["container_cpu_cfs_periods", () => 1], ["container_cpu_cfs_throttled_periods", (s: ContainerSeries) => s.throttled!]] as const) {
    buf += `# TYPE ${family} counter\n`;
    for (const s of series) {
      if (s.throttled === undefined) continue;
      each(s, (i, t) => out(`${family}_total${labels(s)} ${Math.round(i * 10 * step * share(s))} ${t}`));
    }
  }
  for (const family of ["redis_memory_used_bytes", "redis_memory_max_bytes"] as const) {
    buf += `# TYPE ${family} gauge\n`;
    for (const s of series) {
      if (!s.redis) continue;
      const l = `{namespace="${s.namespace}",pod="${s.pod}",container="redis-exporter"}`;
      each(s, (i, t) => out(`${family}${l} ${Math.round(family === "redis_memory_used_bytes" ? s.redis!.used(i) : s.redis!.max)} ${t}`));
    }
  }
  buf += "# TYPE kube_pod_container_status_restarts counter\n";
  for (const s of series) {
    const { n, at } = times(s);
    const r = s.restarts ?? 0;
    // After an OOM kill the counter rises with the reason, as kube-state-metrics reports both.
    const value = (i: number) => (r === 0 ? 0 : s.oomAt !== undefined ? (i >= s.oomAt ? r : 0) : Math.floor((i * (r + 1)) / n));
    for (let i = 0; i < n; i++) out(`kube_pod_container_status_restarts_total${labels(s)} ${value(i)} ${at(i)}`);
  }
  buf += "# EOF\n";
  writeSync(fd, buf);
  closeSync(fd);
  return { samples };
}
