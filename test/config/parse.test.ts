import { describe, expect, it } from "vitest";
import { baseValues, problems, PROD_SECRET_KEYS, set, valid } from "../helpers/stack";
import { shapeProblems } from "../helpers/schema";

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
      // 4 workers' pools (80 connections) no longer outgrow max_connections: PgBouncer (on under auto) takes
      // them, and its max_client_conn follows the demand.
    ]],
    ["a missing budget", "nodeBudget", undefined, ["nodeBudget: is required"]],
    // Milli-bytes, a slip for Mi: named on the key typed, not as a request above a limit of 1.
    ["a memory limit in millibytes", "web.resources.limits.memory", "500m", [
      'web.resources.limits.memory: "500m" is 500 millibytes (m is milli, a thousandth); did you mean "500Mi"?',
    ]],
    ["a node size in millibytes", "nodeBudget.memory", "16m", ['nodeBudget.memory: "16m" is 16 millibytes (m is milli, a thousandth); did you mean "16Mi"?']],
    ["a bad namespace", "namespace", "Rightsize_Dev", [
      'namespace: must be a DNS label: lower case letters, digits and \'-\', starting and ending with a letter or digit (got "Rightsize_Dev")',
    ]],
    // Hostile input: each value checked by the rule the API server applies.
    ...["kube-system", "default", "kube-public", "kube-node-lease"].map((ns): [string, string, unknown, string[]] => [`the system namespace ${ns}`, "namespace", ns, [
      `namespace: is a namespace the cluster owns; rightsize creates its own namespace (restricted pod security, default-deny ingress) and \`pulumi destroy\` deletes it, so pick another name such as rightsize (got "${ns}")`,
    ]]),
    ["a zero CPU limit", "web.resources", { requests: { cpu: "0" }, limits: { cpu: "0" } }, [
      'web.resources.limits.cpu: must be more than zero: Kubernetes reads a zero limit as no limit, and the tuning is derived from it (got "0")',
    ]],
    ["a zero CPU limit on a Celery pool", "celery", { workers: { a: { resources: { limits: { cpu: "0m" } } } } }, [
      'celery.workers.a.resources.limits.cpu: must be more than zero: Kubernetes reads a zero limit as no limit, and the tuning is derived from it (got "0m")',
    ]],
    ["a zero memory limit on an extra", "extras", { x: { image: "x.example.com/x:1", resources: { requests: { cpu: "0", memory: "0" }, limits: { cpu: "1", memory: "0" } }, probes: { readiness: { tcp: true, port: 1 }, liveness: { tcp: true, port: 1 } } } }, [
      'extras.x.resources.limits.memory: must be more than zero: Kubernetes reads a zero limit as no limit (got "0")',
    ]],
    ["a zero volume", "postgres.storage.size", 0, ["postgres.storage.size: must be more than zero: nothing fits in it (got 0)"]],
    ["a zero emptyDir for Meilisearch's spill", "meilisearch.tmpSize", "0Gi", ['meilisearch.tmpSize: must be more than zero: nothing fits in it (got "0Gi")']],
    ["a null credential", "postgres.password", null, ["postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`"]],
    ["maxmemory 0", "redis.broker.settings.maxmemory", 0, [
      'redis.broker.settings.maxmemory: 0 is no limit to Redis, so the container would be OOM-killed instead of Redis applying its policy; set at least 1mb or leave it unset (derived from limits.memory) (got "0")',
    ]],
    ["an environment variable name starting with a digit", "web.env", { "1A": "x" }, [
      'web.env.1A: the name must be an environment variable name: letters, digits, \'_\', \'-\' or \'.\', not starting with a digit (e.g. MY_ENV.NAME) (got "1A")',
    ]],
    ["a StorageClass name with an empty label", "postgres.storage.storageClassName", "fast..ssd", [
      'postgres.storage.storageClassName: must be a DNS subdomain: lower case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit (got "fast..ssd")',
    ]],
    ["an image path in upper case", "images.app", "registry.example.com/Team/app:1", [
      'images.app: image is not an image reference: the repository path must be lower case (got "registry.example.com/Team/app:1")',
    ]],
    ["a build repository with a tag", "images.app", { build: { repository: "registry.example.com/team/app:1" } }, [
      'images.app.build.repository: must be a repository such as registry.example.com/team/app, without a tag or digest (got "registry.example.com/team/app:1")',
    ]],
    ["web.env overriding the database password", "web.env", { POSTGRES_PASSWORD: "hunter2hunter2", DATABASE_URL: "postgresql://app:hunter2@db/app" }, [
      "web.env.POSTGRES_PASSWORD: is set by rightsize (the database and Celery client variables); remove it from env",
      "web.env.DATABASE_URL: is set by rightsize (the database and Celery client variables); remove it from env",
    ]],
    ["jitter above max_requests", "web.gunicorn.maxRequestsJitter", 5000, ["web.gunicorn.maxRequestsJitter: must not exceed gunicorn.maxRequests 1000 (got 5000)"]],
    ["HPA max below its min", "web.autoscaling", { minReplicas: 3, maxReplicas: 2 }, ["web.autoscaling.maxReplicas: must be at least minReplicas 3 (got 2)"]],
  ];

  for (const [what, path, value, expected] of cases) {
    it(`rejects ${what} naming ${path}`, () => {
      expect(problems(set(baseValues(), path, value))).toEqual(expected);
    });
  }

  const extra = (over: Record<string, unknown>) => ({
    x: { image: "registry.example.com/x:1", port: 8080, resources: { requests: { cpu: "0", memory: "0" }, limits: { cpu: "1", memory: "64Mi" } }, probes: { readiness: { tcp: true }, liveness: { tcp: true } }, ...over },
  });
  it("refuses an extra's names, keys and paths the API server would refuse", () => {
    expect(problems(set(baseValues(), "extras", extra({
      env: { REDIS_PASSWORD: "$(X)" },
      secretEnv: { REDIS_PASSWORD: { secret: "redis..creds", key: "..password" } },
      extraPorts: { "1025": 1025, "smtp--tls": 465 },
      writableDirs: { "/tmp": "64Mi", "/tmp/": "64Mi", "cache": "1Mi", "/a/../etc": "1Mi" },
    })))).toEqual([
      'extras.x.extraPorts.1025: the name must be a port name with at least one letter (got "1025")',
      'extras.x.extraPorts.smtp--tls: the name must be a port name without \'--\' (got "smtp--tls")',
      'extras.x.secretEnv.REDIS_PASSWORD.secret: must be a DNS subdomain: lower case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit (got "redis..creds")',
      'extras.x.secretEnv.REDIS_PASSWORD.key: must not start with \'..\' (got "..password")',
      'extras.x.writableDirs.cache: the name must be an absolute path (starting with /) (got "cache")',
      'extras.x.writableDirs.a/../etc: the name must not contain a \'..\' element (got "/a/../etc")',
    ].map((l) => l.replace("writableDirs.a/../etc", "writableDirs./a/../etc")));
    expect(problems(set(baseValues(), "extras", extra({ env: { REDIS_PASSWORD: "$(X)" }, secretEnv: { REDIS_PASSWORD: { secret: "redis-creds", key: "password" } }, writableDirs: { "/tmp": "64Mi", "/tmp/": "64Mi" } })))).toEqual([
      'extras.x.writableDirs./tmp/: is the same mount path as /tmp (got "/tmp/")',
      "extras.x.env.REDIS_PASSWORD: is also in secretEnv; the later entry would silently win, so keep one",
    ]);
  });

  it("accepts what the Kubernetes rules accept: dotted env names, image grammar, a zero request", () => {
    let v = set(baseValues(), "web.env", { "my.env-name": "1", "MY_ENV.NAME": "2" });
    v = set(v, "images.app", "Registry.Example.com:5000/team/my__app--x:1.0");
    v = set(v, "images.worker", `registry.example.com/worker@sha512:${"a".repeat(128)}`);
    v = set(v, "web.resources.requests.cpu", "0");
    v = set(v, "postgres.storage.storageClassName", "fast.ssd-1");
    expect(valid(set(baseValues(), "images.app", { build: { repository: "localhost:5000/team/my__app" } })).images.app).toMatchObject({ build: { repository: "localhost:5000/team/my__app" } });
    const c = valid(v);
    expect(c.web.env).toEqual({ "my.env-name": "1", "MY_ENV.NAME": "2" });
    expect(c.web.resources.requests.cpu).toBe(0);
  });

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

  it("rejects an empty stack with every required key: the shapes' problems (test/config/schema/index.test.ts lists them), nothing more", () => {
    const got = problems({});
    expect(got).toHaveLength(5);
    expect(got).toEqual(shapeProblems({}));
  });
});
