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
        out(`container_cpu_usage_seconds_total${labels(c)} ${total.toFixed(6)} ${at(i)}`);
      }
    }
  }
  buf += "# TYPE container_memory_working_set_bytes gauge\n";
  for (const s of series) {
    const { n, at } = times(s);
    for (const { c, factor } of cgroups(s)) {
      for (let i = 0; i < n; i++) out(`container_memory_working_set_bytes${labels(c)} ${Number.isNaN(s.memory(i)) ? "NaN" : Math.round(s.memory(i) * factor)} ${at(i)}`);
    }
  }
  buf += "# TYPE kube_pod_container_status_last_terminated_reason gauge\n";
  for (const s of series) {
    if (s.oomAt === undefined) continue;
    const { n, at } = times(s);
    for (let i = s.oomAt; i < n; i++) out(`kube_pod_container_status_last_terminated_reason${labels(s, ',reason="OOMKilled"')} 1 ${at(i)}`);
  }
  buf += "# TYPE kube_pod_container_status_restarts counter\n";
  for (const s of series) {
    const { n, at } = times(s);
    const r = s.restarts ?? 0;
    for (let i = 0; i < n; i++) out(`kube_pod_container_status_restarts_total${labels(s)} ${r === 0 ? 0 : Math.floor((i * (r + 1)) / n)} ${at(i)}`);
  }
  buf += "# EOF\n";
  writeSync(fd, buf);
  closeSync(fd);
  return { samples };
}
