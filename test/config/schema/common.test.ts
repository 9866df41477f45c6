// The building blocks every workload's schema is made of. Values are read straight from the blocks;
// messages through the stack (test/helpers/schema.ts), on a key that uses the block, as a user reads them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cpu, envMap, httpPath, MAX_REPLICAS, memory, persistentVolume, replicas, resources, secondsField, secretString, unpinnedReason } from "../../../config/schema/common";
import { Secret } from "../../../config/secret";
import { problemsAt, parsedAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe("cpu", () => {
  it("reads a quantity as whole millicores, rounding up as MilliValue() does", () => {
    const c = cpu();
    expect(["500m", "2", "1.5", "0.1", "0", "1k", "0.0001", "1e3"].map((s) => c.parse(s))).toEqual([500, 2000, 1500, 100, 0, 1000000, 1, 1000000]);
    expect([c.parse(2), c.parse(0.25)]).toEqual([2000, 250]);
  });

  it("names the key and the value when it is not a quantity", () => {
    expect(problemsAt("web.resources.limits.cpu", "2 cores")).toEqual(['web.resources.limits.cpu: "2 cores" is not a Kubernetes quantity: spaces are not allowed (write e.g. 512Mi, not 512 Mi)']);
    expect(problemsAt("web.resources.limits.cpu", "1K")).toEqual(['web.resources.limits.cpu: "1K" is not a Kubernetes quantity: unknown suffix "K" (use "k" for 1000 or "Ki" for 1024)']);
    expect(problemsAt("web.resources.limits.cpu", null)).toEqual(['web.resources.limits.cpu: must be a Kubernetes cpu quantity string such as "500m" or "2" (got null)']);
    expect(problemsAt("web.resources.limits.cpu", "8Ei")).toEqual([
      'web.resources.limits.cpu: "8Ei" is too large: 9223372036854775807000 millicores is beyond ±9007199254740991, the largest exact integer',
    ]);
  });

  it("refuses a negative quantity but takes minus zero as zero", () => {
    expect(problemsAt("web.resources.requests.cpu", "-1m")).toEqual(['web.resources.requests.cpu: must not be negative (got "-1m")']);
    expect(cpu().parse("-0")).toBe(0);
  });

  it("gives m millicores for every `<m>m`", () => {
    fc.assert(fc.property(fc.nat(), (m) => {
      expect(cpu().parse(`${m}m`)).toBe(m);
    }));
  });
});

describe("memory", () => {
  it("reads a quantity as whole bytes, rounding up as Value() does", () => {
    const m = memory();
    expect(["512Mi", "1.5Gi", "1e9", "1M", "1k", "0", "1Ki"].map((s) => m.parse(s))).toEqual([512 * Mi, 1.5 * Gi, 1e9, 1e6, 1000, 0, 1024]);
    expect([m.parse(1.5), m.parse(1024)]).toEqual([2, 1024]);
  });

  it("refuses millibytes, the slip for Mi, on the key where it was typed", () => {
    expect(problemsAt("web.resources.limits.memory", "512m")).toEqual(['web.resources.limits.memory: "512m" is 512 millibytes (m is milli, a thousandth); did you mean "512Mi"?']);
    expect(problemsAt("web.resources.limits.memory", "0.5m")).toEqual(['web.resources.limits.memory: "0.5m" is 0.5 millibytes (m is milli, a thousandth); did you mean "0.5Mi"?']);
    // M is mega, not a slip.
    expect(memory().parse("512M")).toBe(512000000);
  });

  it("says what is wrong with the unit", () => {
    expect(problemsAt("web.resources.limits.memory", "1.5GB")).toEqual([
      'web.resources.limits.memory: "1.5GB" is not a Kubernetes quantity: unknown suffix "GB" (use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    ]);
    expect(problemsAt("web.resources.limits.memory", "1gi")).toEqual([
      'web.resources.limits.memory: "1gi" is not a Kubernetes quantity: unknown suffix "gi" (did you mean "Gi"? use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    ]);
    expect(problemsAt("web.resources.limits.memory", "")).toEqual(['web.resources.limits.memory: "" is not a Kubernetes quantity: it is empty']);
    expect(problemsAt("web.resources.limits.memory", "1e31")).toEqual(['web.resources.limits.memory: "1e31" is out of range: exponents beyond ±30 are not supported']);
    expect(problemsAt("web.resources.limits.memory", true)).toEqual(['web.resources.limits.memory: must be a Kubernetes memory quantity string such as "512Mi" or "1Gi" (got true)']);
  });

  it("gives n x 2^20 bytes for every `<n>Mi` that is an exact integer", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 33 - 1 }), (n) => {
      expect(memory().parse(`${n}Mi`)).toBe(n * Mi);
    }));
  });
});

describe("secondsField and replicas", () => {
  it("takes whole seconds from min to max inclusive", () => {
    const s = secondsField(1, 300);
    expect([s.parse(1), s.parse(300)]).toEqual([1, 300]);
    expect(problemsAt("web.gunicorn.keepalive", 300)).toEqual([]);
    expect(problemsAt("web.gunicorn.keepalive", 301)).toEqual(["web.gunicorn.keepalive: must be at most 300 (got 301)"]);
    expect(problemsAt("web.gunicorn.keepalive", 1)).toEqual([]);
    expect(problemsAt("web.gunicorn.keepalive", 0)).toEqual(["web.gunicorn.keepalive: must be at least 1 (got 0)"]);
    expect(problemsAt("web.gunicorn.keepalive", 2.5)).toEqual(["web.gunicorn.keepalive: must be a whole number (got 2.5)"]);
    expect(problemsAt("web.gunicorn.keepalive", "5")).toEqual(['web.gunicorn.keepalive: must be a number (got "5")']);
  });

  it("defaults to 1 s .. 7 days", () => {
    const s = secondsField();
    expect(s.parse(604800)).toBe(604800);
    expect(s.safeParse(604801).success).toBe(false);
    expect(s.safeParse(0).success).toBe(false);
  });

  it("takes 0 to 500 replicas", () => {
    expect(MAX_REPLICAS).toBe(500);
    expect([replicas().parse(0), replicas().parse(500)]).toEqual([0, 500]);
    expect(problemsAt("web.replicas", 501)).toEqual(["web.replicas: must be at most 500 (got 501)"]);
    expect(problemsAt("web.replicas", -1)).toEqual(["web.replicas: must be at least 0 (got -1)"]);
  });
});

describe("resources", () => {
  const web = resources({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
  const guaranteed = resources({ requests: { cpu: "1" }, limits: { cpu: "2", memory: "1536Mi" } });

  it("fills every unset field from the component's defaults", () => {
    expect(web.parse(undefined)).toEqual({ requests: { cpu: 100, memory: 256 * Mi }, limits: { cpu: 500, memory: 512 * Mi } });
    expect(web.parse({ limits: { memory: "1Gi" } })).toEqual({ requests: { cpu: 100, memory: 256 * Mi }, limits: { cpu: 500, memory: Gi } });
  });

  it("makes an unset memory request follow the memory limit when the defaults give none", () => {
    expect(guaranteed.parse({})).toEqual({ requests: { cpu: 1000, memory: 1536 * Mi }, limits: { cpu: 2000, memory: 1536 * Mi } });
    expect(guaranteed.parse({ limits: { memory: "2Gi" } }).requests.memory).toBe(2 * Gi);
    expect(guaranteed.parse({ requests: { memory: "1Gi" } }).requests.memory).toBe(Gi);
  });

  it("takes a request equal to its limit and refuses one unit more", () => {
    expect(problemsAt("web.resources.requests.cpu", "500m")).toEqual([]);
    expect(problemsAt("web.resources.requests.cpu", "501m")).toEqual(['web.resources.requests.cpu: request is larger than limits.cpu 500m (got "501m")']);
    expect(problemsAt("web.resources.requests.memory", "512Mi")).toEqual([]);
    expect(problemsAt("web.resources.requests.memory", 512 * Mi + 1)).toEqual(['web.resources.requests.memory: request is larger than limits.memory 512Mi (got "536870913")']);
    expect(problemsAt("postgres.resources.requests.memory", "1537Mi")).toEqual(['postgres.resources.requests.memory: request is larger than limits.memory 1536Mi (got "1537Mi")']);
  });

  it("reports both requests above their limits at once", () => {
    expect(problemsAt("web.resources.requests", { cpu: "2", memory: "1Gi" })).toEqual([
      'web.resources.requests.cpu: request is larger than limits.cpu 500m (got "2")',
      'web.resources.requests.memory: request is larger than limits.memory 512Mi (got "1Gi")',
    ]);
  });

  it("reports a bad limit alone, not also as a limit below the request", () => {
    expect(problemsAt("web.resources", { requests: { memory: "1Gi" }, limits: { memory: "1.5GB" } })).toEqual([
      'web.resources.limits.memory: "1.5GB" is not a Kubernetes quantity: unknown suffix "GB" (use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    ]);
  });

  it("knows only requests and limits, each of cpu and memory", () => {
    expect(problemsAt("web.resources.limits", { cpu: "1", memory: "1Gi", "nvidia.com/gpu": 1 })).toEqual(["web.resources.limits.nvidia.com/gpu: unknown key (known keys: cpu, memory)"]);
    expect(problemsAt("web.resources.limit", {})).toEqual(["web.resources.limit: unknown key (did you mean limits?)"]);
    expect(problemsAt("web.resources.limits", null)).toEqual(["web.resources.limits: must be a map of keys (got null)"]);
  });

  it("refuses a request above its limit, and only that, for any CPU pair", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64000 }), fc.integer({ min: 0, max: 64000 }), (req, lim) => {
        const r = web.safeParse({ requests: { cpu: `${req}m` }, limits: { cpu: `${lim}m` } });
        // A zero limit is refused too: Kubernetes reads it as no limit.
        expect(r.success).toBe(req <= lim && lim > 0);
      }),
    );
  });
});

describe("unpinnedReason", () => {
  const digest = "@sha256:" + "0123456789abcdef".repeat(4);

  it("takes a version tag or a digest as pinned", () => {
    for (const ref of ["registry.example.com/app:1.4.2", "localhost:5000/team/app:v2", "postgres:15.10-bookworm", `registry.example.com/app${digest}`, `app:latest${digest}`]) {
      expect(unpinnedReason(ref)).toBeUndefined();
    }
  });

  it("says why any other reference is not pinned", () => {
    expect(unpinnedReason("registry.example.com/app")).toBe("has no tag: pin a version tag or a digest");
    expect(unpinnedReason("localhost:5000/app")).toBe("has no tag: pin a version tag or a digest");
    expect(unpinnedReason("app:latest")).toBe("uses the tag `latest`: pin a version tag or a digest");
    for (const ref of ["app:", "app@sha256:abc", "", "-app:1"]) {
      expect(unpinnedReason(ref)).toBe("is not an image reference such as registry.example.com/app:1.4.2");
    }
    expect(unpinnedReason("app:1 ")).toBe("is not an image reference: it contains white space");
    expect(unpinnedReason("registry.example.com/App:1")).toBe("is not an image reference: the repository path must be lower case");
    // distribution/reference takes an upper-case registry host (domain components are [a-zA-Z0-9-]).
    expect(unpinnedReason("Registry.example.com/app:1")).toBeUndefined();
  });

  it("names the key and the reference", () => {
    expect(problemsAt("images.redis", "redis:latest")).toEqual(['images.redis: image uses the tag `latest`: pin a version tag or a digest (got "redis:latest")']);
  });
});

describe("httpPath and envMap", () => {
  it("takes an absolute URL path of visible characters", () => {
    expect(httpPath().parse("/")).toBe("/");
    expect(httpPath().parse("/api/health?deep=1")).toBe("/api/health?deep=1");
    expect(problemsAt("web.probes.readinessPath", "health")).toEqual(['web.probes.readinessPath: must be a URL path starting with / (got "health")']);
    expect(problemsAt("web.probes.livenessPath", "/a b")).toEqual(['web.probes.livenessPath: must be a URL path starting with / (got "/a b")']);
  });

  it("takes environment variable names mapped to strings, {} when unset", () => {
    expect(envMap().parse(undefined)).toEqual({});
    expect(envMap().parse({ LOG_LEVEL: "info", _X1: "" })).toEqual({ LOG_LEVEL: "info", _X1: "" });
    expect(problemsAt("web.env", { "1X": "a" })).toEqual([
      "web.env.1X: the name must be an environment variable name: letters, digits, '_', '-' or '.', not starting with a digit (e.g. MY_ENV.NAME) (got \"1X\")",
    ]);
    // apimachinery's IsEnvVarName takes '-' and '.'.
    expect(problemsAt("web.env", { "LOG-LEVEL": "a", "my.env": "b" })).toEqual([]);
    expect(problemsAt("web.env", { WORKERS: 3 })).toEqual(["web.env.WORKERS: must be a string (got 3)"]);
  });
});

describe("secretString", () => {
  it("wraps the value in a Secret that never prints itself", () => {
    const s = secretString(4).parse("hunter22");
    expect(s).toBeInstanceOf(Secret);
    expect(s.reveal()).toBe("hunter22");
    expect([String(s), JSON.stringify({ s })]).toEqual(["[secret]", '{"s":"[secret]"}']);
  });

  it("takes exactly the minimum length and refuses one character less, showing only the length", () => {
    expect(problemsAt("postgres.password", "a".repeat(16))).toEqual([]);
    expect(problemsAt("postgres.password", "a".repeat(15))).toEqual(['postgres.password: must be at least 16 characters (got "[secret of 15 characters]")']);
  });

  it("never echoes a value of the wrong type", () => {
    expect(problemsAt("postgres.password", 1234567890123456)).toEqual(['postgres.password: must be a string (got "[secret]")']);
  });

  it("says how to set a missing credential", () => {
    expect(problemsAt("postgres.password", undefined)).toEqual(["postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`"]);
  });
});

describe("volumes", () => {
  it("defaults the size and leaves the storage class to the cluster", () => {
    expect(persistentVolume("5Gi").parse(undefined)).toEqual({ size: 5 * Gi });
    expect(persistentVolume("5Gi").parse({ size: "10Gi", storageClassName: "fast-ssd.example.com" })).toEqual({ size: 10 * Gi, storageClassName: "fast-ssd.example.com" });
    expect(parsedAt("postgres.storage.size", "50Gi").postgres.storage.size).toBe(50 * Gi);
  });

  it("wants a StorageClass name that Kubernetes takes", () => {
    expect(problemsAt("postgres.storage.storageClassName", "Fast_SSD")).toEqual(['postgres.storage.storageClassName: must be a DNS subdomain: lower case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit (got "Fast_SSD")']);
    expect(problemsAt("postgres.storage.storageClassName", "a".repeat(253))).toEqual([]);
    expect(problemsAt("postgres.storage.storageClassName", "a".repeat(254))).toEqual([
      `postgres.storage.storageClassName: must be no more than 253 characters (a DNS subdomain) (got "${"a".repeat(76)}...)`,
    ]);
  });
});
