import { describe, expect, it } from "vitest";
import { checkRedis, maxmemoryCeiling, persistent, redisSettings, renderRedisConf, requirepassLine, roleWarning } from "../../../components/redis/tuning";
import { formatRedisMemory, parseRedisMemory } from "../../../model/native-units";
import { bytes, MiB } from "../../../model/units";
import { baseValues, DEV_SECRETS, problems, PROD_SECRET_KEYS, set, valid } from "../../helpers/stack";

const broker = (extra: Record<string, unknown> = {}) => {
  let v = baseValues();
  for (const [k, x] of Object.entries(extra)) v = set(v, `redis.broker.${k}`, x);
  return valid(v).redis.broker;
};
const withCache = (cache: Record<string, unknown>) => set(baseValues(), "redis.cache", { password: DEV_SECRETS.redisCache, ...cache });

describe("Redis directives from the memory limit and the role", () => {
  it("a broker in a 512Mi limit: noeviction, AOF everysec, maxmemory 0.6 x 512Mi = 307mb", () => {
    expect(redisSettings(broker())).toEqual({
      maxmemory: 307 * MiB,
      "maxmemory-policy": "noeviction",
      appendonly: "yes",
      appendfsync: "everysec",
      save: "",
      "tcp-keepalive": 300,
    });
  });

  it("a cache: allkeys-lru, no persistence, maxmemory 0.8 x M", () => {
    const cache = valid(withCache({})).redis.cache!;
    expect(cache.role).toBe("cache");
    expect(persistent(cache)).toBe(false);
    // 0.8 x 512Mi = 409.6Mi -> 409mb
    expect(redisSettings(cache)).toMatchObject({ maxmemory: 409 * MiB, "maxmemory-policy": "allkeys-lru", appendonly: "no", save: "" });
  });

  it("a shared instance: volatile-lru with persistence, and a warning for the plan", () => {
    const shared = broker({ role: "shared" });
    // Random overwrites with AOF: a fork copies up to the whole dataset, so 0.4 x 512Mi.
    expect(redisSettings(shared)).toMatchObject({ maxmemory: 204 * MiB, "maxmemory-policy": "volatile-lru", appendonly: "yes" });
    expect(roleWarning(shared, "redis-broker")).toBe(
      "redis-broker: role shared uses volatile-lru: only keys with a TTL are evicted, so every cache key must carry one " +
        "or memory fills and writes fail; a separate cache instance (redis.cache) avoids this",
    );
    expect(roleWarning(broker(), "redis-broker")).toBeUndefined();
  });

  it("counts RDB save points as persistence: a cache that saves keeps 60% free (random overwrites copy the dataset)", () => {
    const cache = valid(withCache({ settings: { save: "900 1 300 10" } })).redis.cache!;
    expect(persistent(cache)).toBe(true);
    expect(redisSettings(cache)).toMatchObject({ maxmemory: 204 * MiB, save: "900 1 300 10" });
  });

  it("follows the memory limit, rounded down to whole MiB", () => {
    expect(maxmemoryCeiling(broker({ resources: { limits: { memory: "1Gi" } } }))).toBe(614 * MiB);
    expect(maxmemoryCeiling(broker({ resources: { limits: { memory: "2Gi" } }, storage: { size: "4Gi" } }))).toBe(1228 * MiB);
  });

  it("takes a maxmemory override that fits, in Redis' notation", () => {
    expect(redisSettings(broker({ settings: { maxmemory: "256mb" } })).maxmemory).toBe(256 * MiB);
  });

  it("renders redis.conf without the password, including the Secret's file instead", () => {
    const conf = renderRedisConf(redisSettings(broker()), { port: 6379, authFile: "/etc/redis-auth/auth.conf", role: "broker" });
    const lines = conf.split("\n");
    for (const l of ["maxmemory 307mb", "maxmemory-policy noeviction", "appendonly yes", "appendfsync everysec", 'save ""', "tcp-keepalive 300", "include /etc/redis-auth/auth.conf", "dir /data"]) {
      expect(lines).toContain(l);
    }
    expect(conf).not.toContain("requirepass");
  });

  it("quotes the password as Redis' config parser reads it", () => {
    expect(requirepassLine("plain-password")).toBe('requirepass "plain-password"\n');
    expect(requirepassLine('a"b\\c d\n')).toBe('requirepass "a\\"b\\\\c d\\x0a"\n');
  });
});

describe("Redis memory units", () => {
  it("k/m/g are powers of 1000, kb/mb/gb of 1024, in any case", () => {
    expect(parseRedisMemory("384mb")).toBe(384 * MiB);
    expect(parseRedisMemory("384MB")).toBe(384 * MiB);
    expect(parseRedisMemory("1m")).toBe(1_000_000);
    expect(parseRedisMemory(1048576)).toBe(MiB);
    expect(parseRedisMemory("1.5gb")).toBeUndefined();
    expect(parseRedisMemory("384Mi")).toBeUndefined();
    expect(formatRedisMemory(parseRedisMemory("307mb")!)).toBe("307mb");
    expect(formatRedisMemory(parseRedisMemory("1m")!)).toBe("1000000");
  });
});

describe("redis config checks", () => {
  it("rejects a broker with an eviction policy: tasks would be silently dropped", () => {
    expect(problems(set(baseValues(), "redis.broker.settings.maxmemory-policy", "allkeys-lru"))).toEqual([
      "redis.broker.settings.maxmemory-policy: role broker needs noeviction: with allkeys-lru Redis evicts Celery's queued tasks and results " +
        'when memory fills, so tasks would be silently dropped (got "allkeys-lru")',
    ]);
    expect(problems(set(baseValues(), "redis.broker.settings.maxmemory-policy", "volatile-ttl"))).toHaveLength(1);
  });

  it("rejects the broker instance in the cache role", () => {
    expect(problems(set(baseValues(), "redis.broker.role", "cache"))).toEqual([
      "redis.broker.role: this instance is Celery's broker; role cache evicts with allkeys-lru, so tasks would be silently dropped " +
        '(use broker, or shared for one instance that is both) (got "cache")',
    ]);
  });

  it("rejects allkeys-* on a shared instance but allows volatile-*", () => {
    expect(problems(set(set(baseValues(), "redis.broker.role", "shared"), "redis.broker.settings.maxmemory-policy", "allkeys-lfu"))).toEqual([
      "redis.broker.settings.maxmemory-policy: role shared holds Celery's queues, which have no TTL: with allkeys-lfu Redis evicts them " +
        'when memory fills, so tasks would be silently dropped (use a volatile-* policy) (got "allkeys-lfu")',
    ]);
    expect(problems(set(set(baseValues(), "redis.broker.role", "shared"), "redis.broker.settings.maxmemory-policy", "volatile-lfu"))).toEqual([]);
  });

  it("rejects the seed's maxmemory 384mb in a 512Mi limit with AOF", () => {
    expect(problems(set(baseValues(), "redis.broker.settings.maxmemory", "384mb"))).toEqual([
      "redis.broker.settings.maxmemory: 384mb is more than 0.6 x limits.memory 512Mi = 307mb: " +
        "a fork for an AOF rewrite or RDB save needs room for copy-on-write of what role broker's queue pushes dirty meanwhile (got \"384mb\")",
    ]);
  });

  it("allows a cache without persistence up to 0.8 x M, not beyond", () => {
    expect(problems(withCache({ settings: { maxmemory: "400mb" } }))).toEqual([]);
    expect(problems(withCache({ settings: { maxmemory: "410mb" } }))).toEqual([
      "redis.cache.settings.maxmemory: 410mb is more than 0.8 x limits.memory 512Mi = 409mb: " +
        'client buffers and fragmentation need room outside maxmemory (got "410mb")',
    ]);
  });

  it("rejects a broker without the AOF", () => {
    expect(problems(set(baseValues(), "redis.broker.settings.appendonly", "no"))).toEqual([
      'redis.broker.settings.appendonly: role broker holds Celery\'s queues: without the AOF a restart loses every queued task (got "no")',
    ]);
  });

  it("rejects a volume that cannot hold the AOF while it is rewritten", () => {
    expect(problems(set(baseValues(), "redis.broker.storage.size", "512Mi"))).toEqual([
      'redis.broker.storage.size: must hold two copies of the dataset while the AOF is rewritten: at least 2 x maxmemory 307mb = 614Mi (got "512Mi")',
    ]);
  });

  it("rejects an unknown policy and a malformed size", () => {
    expect(problems(set(baseValues(), "redis.broker.settings.maxmemory-policy", "lru"))[0]).toMatch(/^redis\.broker\.settings\.maxmemory-policy: must be one of "noeviction"/);
    expect(problems(set(baseValues(), "redis.broker.settings.maxmemory", "1.5gb"))).toEqual([
      'redis.broker.settings.maxmemory: must be a Redis memory size such as 300mb or 1gb (bytes, or k/m/g for powers of 1000, kb/mb/gb for powers of 1024) (got "1.5gb")',
    ]);
  });

  it("requires every instance's password, encrypted in prod", () => {
    expect(problems(set(baseValues(), "redis.cache", { role: "cache" }))).toEqual(["redis.cache.password: is required: a credential; set it with `pulumi config set --path redis.cache.password <value> -s dev`"]);
    expect(problems(withCache({}), "prod", ["postgres", "meilisearch"])).toEqual([
      "redis.broker.password: must be stored encrypted in prod: set it with `pulumi config set --secret --path redis.broker.password ...`",
      "redis.cache.password: must be stored encrypted in prod: set it with `pulumi config set --secret --path redis.cache.password ...`",
    ]);
    expect(problems(withCache({}), "prod", PROD_SECRET_KEYS)).toEqual([]);
  });

  it("checks each instance under its own key", () => {
    const cache = valid(withCache({})).redis.cache!;
    expect(checkRedis({ ...cache, settings: { ...cache.settings, maxmemory: bytes(500 * MiB) } }, "redis.cache", false).map((i) => i.path)).toEqual(["redis.cache.settings.maxmemory"]);
    expect(checkRedis({ ...cache, role: "cache" }, "redis.broker", true).map((i) => i.path)).toEqual(["redis.broker.role"]);
  });
});
