// Usage data from Prometheus' HTTP API: a handful of instant queries per stack (one per metric, every
// workload at once, grouped by namespace/pod/container), with the PromQL KRR and the Kubernetes
// dashboards use over cAdvisor's and kube-state-metrics' series. The same answers can come from a file
// of exported `/api/v1/query` responses (`--usage`), for pipelines with no network path to Prometheus.
import { readUserFile } from "../../config/paths";

/** Prometheus could not be reached, or answered an error (exit 4). */
export class PrometheusError extends Error {}

/** A usage file that cannot be read as exported answers (exit 2). */
export class UsageFileError extends Error {}

/** The queries' names, in the order they run and appear in a usage file. */
export const QUERY_NAMES = ["cpu", "memory", "oom", "restarts", "samples", "first", "last"] as const;
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
    oom: `max ${BY} (max_over_time(kube_pod_container_status_last_terminated_reason{namespace=${ns},reason="OOMKilled"}[${w}]))`,
    restarts: `max ${BY} (max_over_time(${restarts}[${w}]) - min_over_time(${restarts}[${w}]))`,
    samples: `sum ${BY} (count_over_time(${ws}[${w}]))`,
    // The first and last 1m step that sees a sample: within a minute of the first sample, and at most the
    // 5m lookback after the last. `timestamp()` of a bare selector would give the samples' own times, but
    // Prometheus 2.42 then reads storage once per step: 18 s instead of 0.4 s for a week of prod.
    first: `min ${BY} (min_over_time(timestamp(${ws} * 0)[${w}:1m]))`,
    last: `max ${BY} (max_over_time(timestamp(${ws} * 0)[${w}:1m]))`,
  };
}

/** One series of an instant vector: its labels and its value (NaN and Inf as Prometheus spells them). */
export interface Sample {
  namespace: string;
  pod: string;
  container: string;
  value: number;
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

/** A usage file: one object whose keys are the query names and whose values are `/api/v1/query` bodies. */
export function readUsageFile(path: string): Answers {
  let doc: unknown;
  try {
    doc = JSON.parse(readUserFile(path, "usage file"));
  } catch (e) {
    throw new UsageFileError(`${path}: cannot read the usage file: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new UsageFileError(`${path}: expected an object keyed by query name (${QUERY_NAMES.join(", ")})`);
  const missing = QUERY_NAMES.filter((n) => !(n in doc));
  if (missing.length > 0) throw new UsageFileError(`${path}: no answer for quer${missing.length === 1 ? "y" : "ies"} ${missing.join(", ")} (print them with --print-queries)`);
  for (const n of QUERY_NAMES) {
    const b = (doc as Record<string, { status?: unknown }>)[n];
    if (!b || typeof b !== "object" || typeof b.status !== "string") throw new UsageFileError(`${path}: the answer to query ${n} is not a Prometheus /api/v1/query response`);
  }
  return answersOf(doc as Record<QueryName, unknown>, path);
}

function answersOf(raw: Record<QueryName, unknown>, where: string): Answers {
  return Object.fromEntries(QUERY_NAMES.map((n) => [n, samplesOf(n, raw[n], where)])) as Answers;
}
