import { describe, expect, it } from "vitest";
import { baseValues, problems, PROD_SECRET_KEYS, set, valid } from "../helpers/stack";

describe("stack config", () => {
  it("accepts the baseline and fills defaults", () => {
    const c = valid();
    expect(c.environment).toBe("dev");
    expect(c.web.port).toBe(8000);
    expect(c.web.resources.limits.memory).toBe(512 * 1024 * 1024);
    expect(c.web.resources.limits.cpu).toBe(500);
    expect(c.web.gunicorn.workerMemory).toBe(200 * 1024 * 1024);
    expect(c.nodeBudget.maxPods).toBe(110);
  });

  it("derives the environment from the stack name unless set", () => {
    expect(valid(baseValues(), "prod-eu", PROD_SECRET_KEYS).environment).toBe("prod");
    expect(valid(set(baseValues(), "environment", "dev"), "prod").environment).toBe("dev");
  });

  it("keeps defaults for keys a --path edit did not touch", () => {
    const c = valid(set(baseValues(), "web.resources", { limits: { memory: "1Gi" } }));
    expect(c.web.resources.limits.memory).toBe(1024 ** 3);
    expect(c.web.resources.limits.cpu).toBe(500);
    expect(c.web.resources.requests.memory).toBe(256 * 1024 ** 2);
  });

  const cases: [string, string, unknown, string[]][] = [
    ["a memory of 1.5GB", "web.resources.limits.memory", "1.5GB", [
      'web.resources.limits.memory: "1.5GB" is not a Kubernetes quantity: unknown suffix "GB" (use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    ]],
    ["limits below requests", "web.resources.limits.memory", "128Mi", [
      'web.resources.requests.memory: request is larger than limits.memory 128Mi (got "256Mi")',
    ]],
    ["a memory limit too small for one worker", "web.resources", { requests: { memory: "128Mi" }, limits: { memory: "256Mi" } }, [
      'web.resources.limits.memory: leaves room for no gunicorn worker: 1 x 200Mi per worker + 64Mi master = 264Mi is more than the limit (lower gunicorn.workerMemory or raise the limit) (got "256Mi")',
    ]],
    ["an unknown key", "web.replicaz", 3, ["web.replicaz: unknown key (did you mean replicas?)"]],
    ["an unknown top-level key", "webb", {}, ["webb: unknown key (did you mean web?)"]],
    ["fractional replicas", "web.replicas", 1.5, ["web.replicas: must be a whole number (got 1.5)"]],
    ["negative replicas", "web.replicas", -1, ["web.replicas: must be at least 0 (got -1)"]],
    ["10,000 replicas", "web.replicas", 10000, ["web.replicas: must be at most 500 (got 10000)"]],
    ["a negative quantity", "web.resources.requests.cpu", "-100m", ['web.resources.requests.cpu: must not be negative (got "-100m")']],
    ["a CPU of NaN", "web.resources.limits.cpu", Number.NaN, ['web.resources.limits.cpu: must be a Kubernetes cpu quantity string such as "500m" or "2" (got NaN)']],
    ["a wrong type", "web.resources.limits.cpu", true, ['web.resources.limits.cpu: must be a Kubernetes cpu quantity string such as "500m" or "2" (got true)']],
    ["a reserve larger than the node", "nodeBudget.reserved.memory", "17Gi", ['nodeBudget.reserved.memory: reserve must be smaller than the node\'s memory 16Gi (got "17Gi")']],
    ["a zero budget", "nodeBudget.cpu", "0", [
      'nodeBudget.cpu: node CPU must be positive (got "0")',
    ]],
    ["no nodes", "nodeBudget.nodes", 0, ["nodeBudget.nodes: must be at least 1 (got 0)"]],
    ["an unpinned image", "images.app", "registry.example.com/app:latest", [
      'images.app: image uses the tag `latest`: pin a version tag or a digest (got "registry.example.com/app:latest")',
    ]],
    ["an image with no tag", "images.app", "registry.example.com/app", ['images.app: image has no tag: pin a version tag or a digest (got "registry.example.com/app")']],
    ["a port below 1024", "web.port", 80, ["web.port: must be at least 1024 (got 80)"]],
    ["too many workers for the memory", "web.gunicorn.workers", 4, [
      "web.gunicorn.workers: 4 x 200Mi per worker + 64Mi master = 864Mi does not fit limits.memory 512Mi; at most 2 fit (got 4)",
      // 4 workers' pools also outgrow the default 80 connections.
      "postgres.maxConnections: the app can open 80 connections (web: (1 pods + 1 surge) x 4 gunicorn workers x (5 pool + 5 overflow) = 80) and 3 are reserved for superusers: 83 is more than max_connections (raise postgres.maxConnections, or lower the pool sizes) (got 80)",
    ]],
    ["a missing budget", "nodeBudget", undefined, ["nodeBudget: is required"]],
    // Milli-bytes, a slip for Mi: named on the key typed, not as a request above a limit of 1.
    ["a memory limit in millibytes", "web.resources.limits.memory", "500m", [
      'web.resources.limits.memory: "500m" is 500 millibytes (m is milli, a thousandth); did you mean "500Mi"?',
    ]],
    ["a node size in millibytes", "nodeBudget.memory", "16m", ['nodeBudget.memory: "16m" is 16 millibytes (m is milli, a thousandth); did you mean "16Mi"?']],
    ["a bad namespace", "namespace", "Rightsize_Dev", [
      'namespace: must be a DNS label (lower case, digits, \'-\', at most 63) (got "Rightsize_Dev")',
    ]],
    ["jitter above max_requests", "web.gunicorn.maxRequestsJitter", 5000, ["web.gunicorn.maxRequestsJitter: must not exceed gunicorn.maxRequests 1000 (got 5000)"]],
    ["HPA max below its min", "web.autoscaling", { minReplicas: 3, maxReplicas: 2 }, ["web.autoscaling.maxReplicas: must be at least minReplicas 3 (got 2)"]],
  ];

  for (const [what, path, value, expected] of cases) {
    it(`rejects ${what} naming ${path}`, () => {
      expect(problems(set(baseValues(), path, value))).toEqual(expected);
    });
  }

  it("reports every problem at once", () => {
    let v = set(baseValues(), "web.resources.limits.memory", "1.5GB");
    v = set(v, "web.replicaz", 1);
    v = set(v, "web.resources.requests.cpu", "900m");
    v = set(v, "nodeBudget.nodes", 0);
    const got = problems(v);
    expect(got).toHaveLength(4);
    expect(got.map((l) => l.split(":")[0]).sort()).toEqual(
      ["nodeBudget.nodes", "web.replicaz", "web.resources.limits.memory", "web.resources.requests.cpu"].sort(),
    );
  });

  it("rejects an empty stack with every required key", () => {
    expect(problems({})).toEqual([
      "nodeBudget: is required",
      "images: is required",
      "postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`",
      "redis.broker.password: is required: a credential; set it with `pulumi config set --path redis.broker.password <value> -s dev`",
      "meilisearch.masterKey: is required: a credential; set it with `pulumi config set --path meilisearch.masterKey <value> -s dev`",
    ]);
  });
});
