// Usage data from Prometheus' HTTP API: a handful of instant queries per stack (one per metric, every
// workload at once, grouped by namespace/pod/container), with the PromQL KRR and the Kubernetes
// dashboards use over cAdvisor's and kube-state-metrics' series. The same answers can come from a file
// of exported `/api/v1/query` responses (`--usage`), for pipelines with no network path to Prometheus.
import { readUserFile } from "../../config/paths";
import { InputError } from "../harness/errors";

/** Prometheus could not be reached, or answered an error (exit 4). */
export class PrometheusError extends Error {}

/** A usage file that cannot be read as exported answers (exit 2). */
export class UsageFileError extends InputError {}

/** The queries' names, in the order they run and appear in a usage file. */
export const QUERY_NAMES = [
  "cpu",
  "memory",
  "oom",
  "restarts",
  "samples",
  "first",
  "last",
  "coverage",
  "reasons",
  "limits",
  "podOwner",
  "replicaSetOwner",
  "throttled",
  "redisUsed",
  "redisMax",
  "trendSlope",
  "trendNow",
  "namespaces",
] as const;

/**
 * The series the answers need (cAdvisor's), and the optional ones that make them exact
 * (kube-state-metrics', redis_exporter's): without those the answers still come, with less said.
 */
export const REQUIRED_SERIES = ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes"] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

const BY = "by (namespace, pod, container)";

/** PromQL range for a window in seconds ("7d" is 604800). */
function range(seconds: number): string {
  return seconds % 86400 === 0 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds}s`;
}

/** Every query for one namespace; `percentile` is the CPU percentile (95 for KRR's simple strategy). */
export function queries(namespace: string, windowSeconds: number, percentile: number): Record<QueryName, string> {
  const ns = JSON.stringify(namespace);
  // cAdvisor also reports the pod's cgroup (container="") and the pause container ("POD").
  const sel = `namespace=${ns},container!="",container!="POD"`;
  const w = range(windowSeconds);
  const ws = `container_memory_working_set_bytes{${sel}}`;
  const restarts = `kube_pod_container_status_restarts_total{namespace=${ns}}`;
  return {
    cpu: `max ${BY} (quantile_over_time(${percentile / 100}, rate(container_cpu_usage_seconds_total{${sel}}[5m])[${w}:1m]))`,
    memory: `max ${BY} (max_over_time(${ws}[${w}]))`,
    // A kill inside the window: the restart counter rose (in the last 5m of a 1m step) while the last
    // termination reason was OOMKilled; a reason left over from before the window does not count.
    oom:
      `max ${BY} (max_over_time((max ${BY} (kube_pod_container_status_last_terminated_reason{namespace=${ns},reason="OOMKilled"}) ` +
      `and on (namespace, pod, container) (increase(${restarts}[5m]) > 0))[${w}:1m]))`,
    restarts: `max ${BY} (max_over_time(${restarts}[${w}]) - min_over_time(${restarts}[${w}]))`,
    samples: `sum ${BY} (count_over_time(${ws}[${w}]))`,
    // The first and last 1m step that sees a sample: within a minute of the first sample, and at most the
    // 5m lookback after the last. `timestamp()` of a bare selector would give the samples' own times, but
    // Prometheus 2.42 then reads storage once per step: 18 s instead of 0.4 s for a week of prod.
    first: `min ${BY} (min_over_time(timestamp(${ws} * 0)[${w}:1m]))`,
    last: `max ${BY} (max_over_time(timestamp(${ws} * 0)[${w}:1m]))`,
    // History is coverage: the 1m steps that saw a sample of their own minute (samples x step), not the
    // span from the first to the last, which 2 h of data spread over a week would pass.
    coverage: `sum ${BY} (count_over_time(present_over_time(${ws}[1m])[${w}:1m]))`,
    // Every last-terminated reason in the window, to tell OOM kills from other restarts.
    reasons: `max by (namespace, pod, container, reason) (max_over_time(kube_pod_container_status_last_terminated_reason{namespace=${ns}}[${w}]))`,
    // The limits each pod ran with: an OOM raise starts from the limit at the kill, not today's stack file.
    limits: `max by (namespace, pod, container, resource) (max_over_time(kube_pod_container_resource_limits{namespace=${ns},resource=~"memory|cpu"}[${w}]))`,
    // Exact ownership: pod -> ReplicaSet/StatefulSet/Job, ReplicaSet -> Deployment.
    podOwner: `max by (namespace, pod, owner_kind, owner_name) (max_over_time(kube_pod_owner{namespace=${ns}}[${w}]))`,
    replicaSetOwner: `max by (namespace, replicaset, owner_kind, owner_name) (max_over_time(kube_replicaset_owner{namespace=${ns}}[${w}]))`,
    throttled: `sum ${BY} (increase(container_cpu_cfs_throttled_periods_total{${sel}}[${w}])) / sum ${BY} (increase(container_cpu_cfs_periods_total{${sel}}[${w}]))`,
    // redis_exporter runs beside Redis in the pod: its series are matched by pod, whatever its container.
    redisUsed: `max by (namespace, pod) (max_over_time(redis_memory_used_bytes{namespace=${ns}}[${w}]))`,
    redisMax: `max by (namespace, pod) (max_over_time(redis_memory_max_bytes{namespace=${ns}}[${w}]))`,
    // A least-squares line through the daily peaks: its slope (bytes per second) and its value now.
    trendSlope: `max ${BY} (deriv(max_over_time(${ws}[1d])[${w}:1d]))`,
    trendNow: `max ${BY} (predict_linear(max_over_time(${ws}[1d])[${w}:1d], 0))`,
    // Which namespaces have series at all, to say so when this one has none.
    namespaces: `count by (namespace) (count_over_time(container_memory_working_set_bytes{container!=""}[${w}]))`,
  };
}

/** One series of an instant vector: its labels and its value (NaN and Inf as Prometheus spells them). */
export interface Sample {
  namespace: string;
  pod: string;
  container: string;
  value: number;
  /** Every label of the series (reason, resource, owner_kind, owner_name, replicaset, ...). */
  labels: Record<string, string>;
}

export type Answers = Record<QueryName, Sample[]>;

/** The body of a successful `/api/v1/query` answer, as Prometheus sends it. */
interface QueryBody {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; value?: [number, string] }[] };
}

/** A vector answer as samples; throws on anything else, naming the query. */
export function samplesOf(name: string, body: unknown, where: string): Sample[] {
  const b = body as QueryBody;
  if (!b || typeof b !== "object") throw new PrometheusError(`${where}: the answer to query ${name} is not a Prometheus API response`);
  if (b.status === "error") throw new PrometheusError(`${where} answered an error to query ${name} (${b.errorType ?? "error"}): ${b.error ?? ""}`);
  if (b.status !== "success" || b.data?.resultType !== "vector" || !Array.isArray(b.data.result)) {
    throw new PrometheusError(`${where}: the answer to query ${name} is not a successful instant vector (status ${String(b.status)}, resultType ${String(b.data?.resultType)})`);
  }
  return b.data.result.map((r) => ({
    namespace: r.metric?.namespace ?? "",
    pod: r.metric?.pod ?? "",
    container: r.metric?.container ?? "",
    value: Number(r.value?.[1]),
    labels: { ...(r.metric ?? {}) },
  }));
}

/**
 * Why `--prometheus` is not a Prometheus base URL, or undefined: an http(s) URL with a host. A value that
 * is not one is a bad argument (exit 2), not an unreachable server (exit 4).
 */
export function prometheusUrlProblem(base: string): string | undefined {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return `is not a URL; give one such as http://prometheus.monitoring:9090`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // `localhost:9090` parses with the scheme "localhost:"; say what was probably meant.
    const hint = /^[\w.-]+:\d+/.test(base) ? `; did you mean http://${base}?` : "";
    return `is not an http:// or https:// URL${hint}`;
  }
  if (url.hostname === "") return "has no host";
  if (url.username !== "" || url.password !== "") return "carries credentials in the URL; put Prometheus behind a proxy or port-forward instead";
  return undefined;
}

/** Runs one instant query; every failure becomes a PrometheusError with the URL and Prometheus' own words. */
async function query(base: string, name: string, promql: string, timeoutMs: number): Promise<unknown> {
  const url = `${base.replace(/\/+$/, "")}/api/v1/query`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: promql }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { message?: string; code?: string } };
    throw new PrometheusError(`cannot reach Prometheus at ${url}: ${err.cause?.message ?? err.message}`);
  }
  const text = await res.text();
  let body: QueryBody;
  try {
    body = JSON.parse(text) as QueryBody;
  } catch {
    throw new PrometheusError(`Prometheus at ${url} answered HTTP ${res.status} to query ${name}, not JSON: ${text.trim().slice(0, 200)}`);
  }
  if (!res.ok || body.status === "error") {
    throw new PrometheusError(`Prometheus at ${url} answered HTTP ${res.status} to query ${name} (${body.errorType ?? "error"}): ${body.error ?? text.trim().slice(0, 200)}`);
  }
  return body;
}

/** Every query at once (they are independent), as the raw bodies and as samples. */
export async function fetchAnswers(base: string, qs: Record<QueryName, string>, timeoutMs = 120_000): Promise<{ raw: Record<QueryName, unknown>; answers: Answers }> {
  const bodies = await Promise.all(QUERY_NAMES.map((n) => query(base, n, qs[n], timeoutMs)));
  const raw = Object.fromEntries(QUERY_NAMES.map((n, i) => [n, bodies[i]])) as Record<QueryName, unknown>;
  return { raw, answers: answersOf(raw, `Prometheus at ${base}`) };
}

/**
 * The answers a usage file must hold (cAdvisor's and the kill and restart counts); the others (owners,
 * throttling, Redis' own memory, the trend) count as empty when absent, so older exports still read.
 */
const FILE_REQUIRED: readonly QueryName[] = ["cpu", "memory", "oom", "restarts", "samples", "first", "last"];

/** A usage file: one object whose keys are the query names and whose values are `/api/v1/query` bodies. */
export function readUsageFile(path: string): Answers {
  let doc: unknown;
  try {
    doc = JSON.parse(readUserFile(path, "usage file"));
  } catch (e) {
    throw new UsageFileError(`${path}: cannot read the usage file: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new UsageFileError(`${path}: expected an object keyed by query name (${QUERY_NAMES.join(", ")})`);
  // Files captured before the optional queries existed still read: those answers are then empty.
  const missing = FILE_REQUIRED.filter((n) => !(n in (doc as object)));
  if (missing.length > 0) throw new UsageFileError(`${path}: no answer for quer${missing.length === 1 ? "y" : "ies"} ${missing.join(", ")} (print them with --print-queries)`);
  const empty = { status: "success", data: { resultType: "vector", result: [] } };
  doc = { ...Object.fromEntries(QUERY_NAMES.map((n) => [n, empty])), ...(doc as Record<string, unknown>) };
  for (const n of QUERY_NAMES) {
    const b = (doc as Record<string, { status?: unknown }>)[n];
    if (!b || typeof b !== "object" || typeof b.status !== "string") throw new UsageFileError(`${path}: the answer to query ${n} is not a Prometheus /api/v1/query response`);
  }
  return answersOf(doc as Record<QueryName, unknown>, path);
}

function answersOf(raw: Record<QueryName, unknown>, where: string): Answers {
  return Object.fromEntries(QUERY_NAMES.map((n) => [n, samplesOf(n, raw[n], where)])) as Answers;
}
