import { describe, expect, it } from "vitest";
import { extraSchema } from "../../../config/schema/extras";
import { parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const flower = () => ({
  image: "mher/flower:2.0.1",
  port: 5555,
  resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
  probes: { readiness: { path: "/healthcheck" }, liveness: { tcp: true } },
});
const at = (over: Record<string, unknown>) => problemsAt("extras.flower", { ...flower(), ...over });

describe("extras schema", () => {
  it("fills an extra's defaults; its resources and probes have none", () => {
    expect(extraSchema.parse(flower())).toEqual({
      enabled: true,
      image: "mher/flower:2.0.1",
      port: 5555,
      extraPorts: {},
      replicas: 1,
      resources: { requests: { cpu: 10, memory: 64 * Mi }, limits: { cpu: 100, memory: 128 * Mi } },
      probes: {
        readiness: { path: "/healthcheck", periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        liveness: { tcp: true, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      },
      env: {},
      secretEnv: {},
      appClient: false,
      allowFrom: "app",
      uid: 10001,
      readOnlyRootFilesystem: true,
      writableDirs: { "/tmp": 64 * Mi },
      terminationGracePeriodSeconds: 30,
    });
    expect(parsedAt("extras", {}).extras).toEqual({});
  });

  it("names everything an extra must say, at once", () => {
    expect(problemsAt("extras.flower", { image: "mher/flower", port: 0 })).toEqual([
      'extras.flower.image: image has no tag: pin a version tag or a digest (got "mher/flower")',
      "extras.flower.port: must be at least 1 (got 0)",
      "extras.flower.resources: is required",
      "extras.flower.probes: is required",
    ]);
    expect(at({ resources: { requests: { cpu: "10m" }, limits: { cpu: "100m", memory: "128Mi" } } })).toEqual(["extras.flower.resources.requests.memory: is required"]);
  });

  it("names extras with DNS labels of at most 40 characters", () => {
    expect(problemsAt("extras.Flower", flower())).toEqual(['extras.Flower: the name must be a DNS label of at most 40 characters (got "Flower")']);
    expect(problemsAt(`extras.${"f".repeat(40)}`, flower())).toEqual([]);
  });

  it("keeps requests at most the limits: equal passes, above fails on both at once", () => {
    expect(at({ resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "100m", memory: "128Mi" } } })).toEqual([]);
    expect(at({ resources: { requests: { cpu: "101m", memory: "129Mi" }, limits: { cpu: "100m", memory: "128Mi" } } })).toEqual([
      'extras.flower.resources.requests.cpu: request is larger than limits.cpu 100m (got "101m")',
      'extras.flower.resources.requests.memory: request is larger than limits.memory 128Mi (got "129Mi")',
    ]);
  });

  it("wants exactly one kind of check per probe", () => {
    expect(at({ probes: { readiness: { exec: ["celery", "inspect", "ping"] }, liveness: { tcp: true }, startup: { path: "/" } } })).toEqual([]);
    expect(at({ probes: { readiness: { path: "/", tcp: true }, liveness: { tcp: true } } })).toEqual([
      'extras.flower.probes.readiness: must have exactly one of path, tcp: true or exec (got {"path":"/","tcp":true,"periodSeconds":10,"timeoutSeconds":5,"failureThreshol...)',
    ]);
    expect(at({ probes: { readiness: { tcp: false }, liveness: { tcp: true } } })).toEqual(["extras.flower.probes.readiness.tcp: must be one of true (got false)"]);
    expect(at({ probes: { readiness: { exec: [] }, liveness: { exec: [""] } } })).toEqual([
      "extras.flower.probes.readiness.exec: must not be empty (got [])",
      'extras.flower.probes.liveness.exec.0: must not be empty (got "")',
    ]);
  });

  it("wants a probe port when the extra has none, except for a command", () => {
    const { port: _p, ...noPort } = flower();
    expect(problemsAt("extras.flower", noPort)).toEqual(["extras.flower.probes.readiness.port: is required when the extra has no port", "extras.flower.probes.liveness.port: is required when the extra has no port"]);
    expect(problemsAt("extras.flower", { ...noPort, probes: { readiness: { path: "/", port: "http" }, liveness: { exec: ["true"] } } })).toEqual([]);
  });

  it("takes ports 1..65535 or names of at most 15 characters, each port once", () => {
    expect(at({ port: 65535, extraPorts: { smtp: 1025 } })).toEqual([]);
    expect(at({ port: 65536 })).toEqual(["extras.flower.port: must be at most 65535 (got 65536)"]);
    expect(at({ extraPorts: { smtp: 5555 } })).toEqual(['extras.flower.extraPorts: repeats port 5555 (got {"smtp":5555})']);
    expect(at({ extraPorts: { SMTP: 25 } })).toEqual(["extras.flower.extraPorts.SMTP: the name must be a port name: lower case letters, digits and '-' (got \"SMTP\")"]);
    expect(at({ probes: { readiness: { path: "/", port: "p".repeat(15) }, liveness: { tcp: true } } })).toEqual([]);
    expect(at({ probes: { readiness: { path: "/", port: "p".repeat(16) }, liveness: { tcp: true } } })).toEqual([
      `extras.flower.probes.readiness.port: must be a port name of 1 to 15 characters (got "${"p".repeat(16)}")`,
    ]);
  });

  it("says what a probe port may be when it is neither a number nor a name", () => {
    expect(at({ probes: { readiness: { path: "/", port: true }, liveness: { tcp: true } } })).toEqual([
      "extras.flower.probes.readiness.port: must be a port number (1 to 65535) or a port name (got true)",
    ]);
  });

  it("takes environment from existing Secrets by name and key", () => {
    expect(parsedAt("extras.flower", { ...flower(), secretEnv: { BROKER_URL: { secret: "flower-broker", key: "url" } } }).extras.flower!.secretEnv).toEqual({
      BROKER_URL: { secret: "flower-broker", key: "url" },
    });
    expect(at({ secretEnv: { X: { secret: "Bad_Name", key: "k" } } })).toEqual(['extras.flower.secretEnv.X.secret: must be a DNS subdomain: lower case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit (got "Bad_Name")']);
  });

  it("says what a Secret key may contain", () => {
    expect(at({ secretEnv: { X: { secret: "s", key: "a b" } } })).toEqual(["extras.flower.secretEnv.X.key: must be a Secret or ConfigMap key: letters, digits, '-', '_' or '.' (got \"a b\")"]);
  });

  it("bounds the rest", () => {
    expect(at({ writableDirs: { tmp: "1Gi" } })).toEqual(['extras.flower.writableDirs.tmp: the name must be an absolute path (starting with /) (got "tmp")']);
    expect(parsedAt("extras.flower", { ...flower(), writableDirs: { "/data": "1Gi" } }).extras.flower!.writableDirs).toEqual({ "/data": 1024 * Mi });
    expect(at({ allowFrom: "all" })).toEqual(['extras.flower.allowFrom: must be one of "app", "anywhere", "none" (got "all")']);
    expect(at({ uid: 0 })).toEqual(["extras.flower.uid: must be at least 1 (got 0)"]);
    expect(at({ terminationGracePeriodSeconds: 0 })).toEqual([]);
    expect(at({ terminationGracePeriodSeconds: 3601 })).toEqual(["extras.flower.terminationGracePeriodSeconds: must be at most 3600 (got 3601)"]);
    expect(at({ command: [] })).toEqual(["extras.flower.command: must not be empty (got [])"]);
  });
});
