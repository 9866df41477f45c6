import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../tools/harness/cli";
import { parseRecommendArgs } from "../../../tools/recommend";
import { PrometheusError, prometheusUrlProblem, queries, QUERY_NAMES, readUsageFile, samplesOf, UsageFileError } from "../../../tools/recommend/prometheus";

describe("queries", () => {
  it("one per metric for the whole namespace, grouped by namespace/pod/container, leaving out the pod cgroup and the pause container", () => {
    const q = queries("rightsize", 7 * 86400, 95);
    expect(Object.keys(q)).toEqual([...QUERY_NAMES]);
    expect(q.cpu).toBe(
      'max by (namespace, pod, container) (quantile_over_time(0.95, rate(container_cpu_usage_seconds_total{namespace="rightsize",container!="",container!="POD"}[5m])[7d:1m]))',
    );
    expect(q.memory).toBe('max by (namespace, pod, container) (max_over_time(container_memory_working_set_bytes{namespace="rightsize",container!="",container!="POD"}[7d]))');
    // A kill inside the window: the reason is OOMKilled while the restart counter rises.
    expect(q.oom).toBe(
      'max by (namespace, pod, container) (max_over_time((max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{namespace="rightsize",reason="OOMKilled"}) ' +
        'and on (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{namespace="rightsize"}[5m]) > 0))[7d:1m]))',
    );
    expect(queries("a", 36 * 3600, 99).cpu).toContain("quantile_over_time(0.99,");
    expect(queries("a", 36 * 3600, 99).memory).toContain("[36h]");
  });
});

describe("answers", () => {
  it("reads a vector, NaN included", () => {
    const body = { status: "success", data: { resultType: "vector", result: [{ metric: { namespace: "n", pod: "p-0", container: "c" }, value: [1, "NaN"] }] } };
    const [s] = samplesOf("memory", body, "here");
    expect(s).toMatchObject({ namespace: "n", pod: "p-0", container: "c" });
    expect(s!.value).toBeNaN();
  });
  it("an error answer is Prometheus' error, with its message", () => {
    expect(() => samplesOf("cpu", { status: "error", errorType: "execution", error: "too many samples" }, "Prometheus at http://x")).toThrow(
      new PrometheusError("Prometheus at http://x answered an error to query cpu (execution): too many samples"),
    );
  });
  it("a usage file must hold an answer per query", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-usagefile-"));
    const file = join(dir, "u.json");
    writeFileSync(file, JSON.stringify({ cpu: { status: "success", data: { resultType: "vector", result: [] } } }));
    expect(() => readUsageFile(file)).toThrow(new UsageFileError(`${file}: no answer for queries memory, oom, restarts, samples, first, last (print them with --print-queries)`));
    writeFileSync(file, "[]");
    expect(() => readUsageFile(file)).toThrow(UsageFileError);
    expect(() => readUsageFile(join(dir, "missing.json"))).toThrow(/cannot read the usage file/);
  });
});

describe("--prometheus", () => {
  it("must be an http(s) URL with a host: a bad argument (exit 2), not an unreachable server (exit 4)", () => {
    expect(prometheusUrlProblem("not-a-url")).toBe("is not a URL; give one such as http://prometheus.monitoring:9090");
    expect(prometheusUrlProblem("localhost:9090")).toBe("is not an http:// or https:// URL; did you mean http://localhost:9090?");
    expect(prometheusUrlProblem("ftp://prometheus:9090")).toBe("is not an http:// or https:// URL");
    expect(prometheusUrlProblem("http://user:pw@prometheus:9090")).toBe("carries credentials in the URL; put Prometheus behind a proxy or port-forward instead");
    for (const ok of ["http://127.0.0.1:9090", "https://prometheus.monitoring.svc:9090/prom/", "http://[::1]:9090"]) expect(prometheusUrlProblem(ok), ok).toBeUndefined();
    expect(() => parseRecommendArgs(["prod", "--prometheus", "not-a-url"])).toThrow(UsageError);
    expect(() => parseRecommendArgs(["prod", "--prometheus", "not-a-url"])).toThrow(/^--prometheus: "not-a-url" is not a URL; give one such as http:\/\/prometheus\.monitoring:9090\nusage: /);
  });
});
