import { describe, expect, it } from "vitest";
import { EVICTION_POLICIES, REDIS_ROLES, redisSchema } from "../../../config/schema/redis";
import { parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const REDIS_HELP = "must be a Redis memory size such as 300mb or 1gb (bytes, or k/m/g for powers of 1000, kb/mb/gb for powers of 1024)";
const pw = (c: string) => c.repeat(16);

describe("redis schema", () => {
  it("fills 512Mi / 1 CPU per instance, memory request = limit, the role from the key", () => {
    const r = redisSchema.parse({ broker: { password: pw("b") }, cache: { password: pw("c") } });
    const plain = (i: typeof r.broker) => ({ ...i, password: i.password.reveal() });
    const instance = { resources: { requests: { cpu: 250, memory: 512 * Mi }, limits: { cpu: 1000, memory: 512 * Mi } }, storage: { size: 2 * Gi }, settings: {} };
    expect(plain(r.broker)).toEqual({ role: "broker", ...instance, password: pw("b") });
    expect(plain(r.cache!)).toEqual({ role: "cache", ...instance, password: pw("c") });
    expect(redisSchema.parse({ broker: { password: pw("b") } }).cache).toBeUndefined();
  });

  it("lets one instance be shared", () => {
    expect(REDIS_ROLES).toEqual(["broker", "cache", "shared"]);
    expect(parsedAt("redis.broker.role", "shared").redis.broker.role).toBe("shared");
    expect(problemsAt("redis.broker.role", "queue")).toEqual(['redis.broker.role: must be one of "broker", "cache", "shared" (got "queue")']);
  });

  it("asks for each instance's password, naming the instance", () => {
    expect(problemsAt("redis", undefined)).toEqual(["redis.broker.password: is required: a credential; set it with `pulumi config set --path redis.broker.password <value> -s dev`"]);
    expect(problemsAt("redis.cache", {})).toEqual(["redis.cache.password: is required: a credential; set it with `pulumi config set --path redis.cache.password <value> -s dev`"]);
    expect(problemsAt("redis.broker.password", pw("x").slice(1))).toEqual(['redis.broker.password: must be at least 16 characters (got "[secret of 15 characters]")']);
  });
});

describe("redis settings", () => {
  const settings = (s: Record<string, unknown>) => redisSchema.parse({ broker: { password: pw("b"), settings: s } }).broker.settings;

  it("reads maxmemory in Redis' notation: k/m/g powers of 1000, kb/mb/gb of 1024, any case", () => {
    expect(settings({ maxmemory: "300mb" }).maxmemory).toBe(300 * Mi);
    expect(settings({ maxmemory: "300MB" }).maxmemory).toBe(300 * Mi);
    expect(settings({ maxmemory: "300m" }).maxmemory).toBe(300_000_000);
    expect(settings({ maxmemory: "1g" }).maxmemory).toBe(1e9);
    expect(settings({ maxmemory: 1000 }).maxmemory).toBe(1000);
  });

  it("refuses what Redis would not read", () => {
    for (const v of ["300 mb", "1.5gb", "300mib", "-1", ""]) {
      expect(problemsAt("redis.broker.settings.maxmemory", v)).toEqual([`redis.broker.settings.maxmemory: ${REDIS_HELP} (got ${JSON.stringify(v)})`]);
    }
    expect(problemsAt("redis.broker.settings.maxmemory", true)).toEqual([`redis.broker.settings.maxmemory: ${REDIS_HELP} (got true)`]);
  });

  it("knows every eviction policy by name", () => {
    expect(EVICTION_POLICIES).toHaveLength(8);
    for (const p of EVICTION_POLICIES) expect(settings({ "maxmemory-policy": p })["maxmemory-policy"]).toBe(p);
    expect(problemsAt("redis.broker.settings.maxmemory-policy", "lru")).toEqual([
      'redis.broker.settings.maxmemory-policy: must be one of "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl" (got "lru")',
    ]);
  });

  it("takes yes/no and YAML booleans for appendonly", () => {
    expect([settings({ appendonly: true }).appendonly, settings({ appendonly: false }).appendonly, settings({ appendonly: "yes" }).appendonly]).toEqual(["yes", "no", "yes"]);
    expect(problemsAt("redis.broker.settings.appendonly", "on")).toEqual(['redis.broker.settings.appendonly: must be one of "yes", "no" (got "on")']);
    expect(problemsAt("redis.broker.settings.appendfsync", "sometimes")).toEqual(['redis.broker.settings.appendfsync: must be one of "always", "everysec", "no" (got "sometimes")']);
  });

  it("takes save as nothing or pairs of seconds and changes", () => {
    for (const v of ["", "900 1", "900 1 300 10 60 10000", "  900   1 "]) expect(problemsAt("redis.broker.settings.save", v)).toEqual([]);
    for (const v of ["900", "900 1 300", "900,1", "x y"]) {
      expect(problemsAt("redis.broker.settings.save", v)).toEqual([`redis.broker.settings.save: must be "" or pairs of seconds and changes, e.g. "900 1 300 10" (got ${JSON.stringify(v)})`]);
    }
  });

  it("bounds tcp-keepalive at 0..7200", () => {
    expect(problemsAt("redis.broker.settings.tcp-keepalive", 0)).toEqual([]);
    expect(problemsAt("redis.broker.settings.tcp-keepalive", 7200)).toEqual([]);
    expect(problemsAt("redis.broker.settings.tcp-keepalive", 7201)).toEqual(["redis.broker.settings.tcp-keepalive: must be at most 7200 (got 7201)"]);
  });
});
