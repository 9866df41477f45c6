import { describe, expect, it } from "vitest";
import { UsageError } from "../../../tools/harness/cli";
import { emptyNamespaceMessage, parseRecommendArgs } from "../../../tools/recommend";
import { type Answers, prometheusUrlProblem, QUERY_NAMES } from "../../../tools/recommend/prometheus";

describe("recommend's flags", () => {
  it("a --prometheus without a scheme, or not http(s), is a usage error (exit 2)", () => {
    expect(() => parseRecommendArgs(["prod", "--prometheus", "not-a-url"])).toThrow(UsageError);
    expect(() => parseRecommendArgs(["prod", "--prometheus", "prometheus:9090"])).toThrow(/is not an http:\/\/ or https:\/\/ URL; did you mean http:\/\/prometheus:9090\?/);
    expect(prometheusUrlProblem("http://127.0.0.1:9090")).toBeUndefined();
    expect(prometheusUrlProblem("not-a-url")).toBe("is not a URL; give one such as http://prometheus.monitoring:9090");
  });
  it("--min-history longer than --window is a usage error", () => {
    expect(() => parseRecommendArgs(["prod", "--usage", "u.json", "--window", "1d", "--min-history", "2d"])).toThrow("--min-history 2d is longer than --window 1d");
    expect(parseRecommendArgs(["prod", "--usage", "u.json", "--window", "2d", "--min-history", "2d"]).strategy.minHistorySeconds).toBe(172800);
  });
  it("--count <workload>=<n>, repeatable, and --allow-count-changes", () => {
    const a = parseRecommendArgs(["prod", "--usage", "u.json", "--count", "web=3", "--count", "celery-worker-default=5", "--allow-count-changes"]);
    expect(a.counts).toEqual({ web: 3, "celery-worker-default": 5 });
    expect(a.allowCountChanges).toBe(true);
    expect(() => parseRecommendArgs(["prod", "--usage", "u.json", "--count", "web"])).toThrow(/is not <workload>=<n>/);
    expect(() => parseRecommendArgs(["prod", "--usage", "u.json", "--count", "web=0"])).toThrow(/n >= 1/);
  });
});

describe("an empty namespace", () => {
  const empty = Object.fromEntries(QUERY_NAMES.map((n) => [n, []])) as unknown as Answers;
  it("names the namespaces that have series", () => {
    const a = { ...empty, namespaces: ["b", "a"].map((namespace) => ({ namespace, pod: "", container: "", value: 1, labels: {} })) };
    expect(emptyNamespaceMessage("rightsize", a, "Prometheus at http://x")).toBe(
      "Prometheus at http://x has no container series for namespace rightsize in the window: it has series for namespaces a, b (is rightsize:namespace right, and is cAdvisor scraped?)",
    );
    expect(emptyNamespaceMessage("rightsize", { ...a, memory: [{ namespace: "rightsize", pod: "p", container: "c", value: 1, labels: {} }] }, "x")).toBeUndefined();
  });
});
