// Redis directives derived from the container's memory limit and the instance's role. Pure: no @pulumi
// imports.
import { type ConfigIssue, issue } from "../../config/issues";
import { formatRedisMemory } from "../../model/native-units";
import { formatMemory } from "../../model/quantity";
import type { EvictionPolicy, RedisInstanceConfig, RedisRole } from "../../config/schema/redis";
import { type Bytes, bytes, MiB, type Seconds, seconds } from "../../model/units";
import type { UsageAccount } from "../../model/usage";

/** Directives keyed as redis.conf spells them, valued as Redis takes them (maxmemory in bytes). */
export interface RedisSettings {
  maxmemory: number;
  "maxmemory-policy": EvictionPolicy;
  appendonly: "yes" | "no";
  appendfsync: "always" | "everysec" | "no";
  save: string;
  "tcp-keepalive": number;
}

export const ROLE_POLICY: Record<RedisRole, EvictionPolicy> = {
  broker: "noeviction",
  cache: "allkeys-lru",
  shared: "volatile-lru",
};

/** Roles that hold Celery's queues, which carry no TTL and must survive a restart. */
export const HOLDS_QUEUES: Record<RedisRole, boolean> = { broker: true, cache: false, shared: true };

/**
 * How a role writes, which decides what a fork copies: Celery pushes and pops at the ends of a few lists,
 * so an AOF rewrite or RDB save copies few pages; a cache's SETs land on random keys, so a fork copies
 * nearly every page of the dataset while it runs.
 */
export const WRITE_PATTERN: Record<RedisRole, "queue pushes" | "random overwrites"> = { broker: "queue pushes", cache: "random overwrites", shared: "random overwrites" };

/**
 * The share of the memory limit maxmemory may take, measured in real memory cgroups (npm run limits, the
 * README's table): the rest holds client output buffers and fragmentation (mem_fragmentation_ratio
 * 1.05-1.07 under load), and, with persistence, the fork's copy-on-write. Queue pushes with AOF rewrites
 * copied at most 22% of the dataset, so 0.6 leaves room; random overwrites copied 60% within 20 s and
 * up to the whole dataset on a slower rewrite (0.6 was OOM-killed, ~0.4 survived), so 0.4: the dataset,
 * a full copy, and 20% for buffers and fragmentation. Without persistence there is no fork: 0.8.
 */
export function maxmemoryShare(role: RedisRole, persistent: boolean): { num: number; den: number; text: string } {
  if (!persistent) return { num: 4, den: 5, text: "0.8" };
  return WRITE_PATTERN[role] === "queue pushes" ? { num: 3, den: 5, text: "0.6" } : { num: 2, den: 5, text: "0.4" };
}

export function appendonly(r: RedisInstanceConfig): "yes" | "no" {
  return r.settings.appendonly ?? (HOLDS_QUEUES[r.role] ? "yes" : "no");
}

export function save(r: RedisInstanceConfig): string {
  // AOF alone: one kind of fork, and the AOF already starts from an RDB preamble.
  return (r.settings.save ?? "").trim().replace(/\s+/g, " ");
}

/** Whether Redis writes anything to disk: then it forks, and it needs a volume. */
export function persistent(r: RedisInstanceConfig): boolean {
  return appendonly(r) === "yes" || save(r) !== "";
}

/** The largest maxmemory the limit allows: 0.4, 0.6 or 0.8 x M by role and persistence, rounded down to whole MiB. */
export function maxmemoryCeiling(r: RedisInstanceConfig): Bytes {
  const s = maxmemoryShare(r.role, persistent(r));
  return bytes(Math.floor((r.resources.limits.memory * s.num) / s.den / MiB) * MiB);
}

export function redisSettings(r: RedisInstanceConfig): RedisSettings {
  const o = r.settings;
  return {
    maxmemory: o.maxmemory ?? maxmemoryCeiling(r),
    "maxmemory-policy": o["maxmemory-policy"] ?? ROLE_POLICY[r.role],
    appendonly: appendonly(r),
    appendfsync: o.appendfsync ?? "everysec",
    save: save(r),
    // Dead peers (a Celery worker killed mid-connection) are dropped within minutes.
    "tcp-keepalive": o["tcp-keepalive"] ?? 300,
  };
}

/** The plan warning for a shared instance; undefined for the other roles. */
export function roleWarning(r: RedisInstanceConfig, name: string): string | undefined {
  if (r.role !== "shared") return undefined;
  return (
    `${name}: role shared uses volatile-lru: only keys with a TTL are evicted, so every cache key must carry one ` +
    `or memory fills and writes fail; a separate cache instance (redis.cache) avoids this`
  );
}

/**
 * Config rules: role and policy, persistence for queues, maxmemory against the limit, volume size.
 * `isCeleryBroker`: the instance Celery connects to (redis.broker), which may not be a mere cache.
 */
export function checkRedis(r: RedisInstanceConfig, key: string, isCeleryBroker: boolean): ConfigIssue[] {
  const o = r.settings;
  const out: ConfigIssue[] = [];
  const policy = o["maxmemory-policy"];
  if (isCeleryBroker && r.role === "cache") {
    out.push(
      issue(
        `${key}.role`,
        "this instance is Celery's broker; role cache evicts with allkeys-lru, so tasks would be silently dropped (use broker, or shared for one instance that is both)",
        r.role,
      ),
    );
  }
  if (policy !== undefined && r.role === "broker" && policy !== "noeviction") {
    out.push(
      issue(
        `${key}.settings.maxmemory-policy`,
        `role broker needs noeviction: with ${policy} Redis evicts Celery's queued tasks and results when memory fills, so tasks would be silently dropped`,
        policy,
      ),
    );
  }
  if (policy !== undefined && r.role === "shared" && policy.startsWith("allkeys-")) {
    out.push(
      issue(
        `${key}.settings.maxmemory-policy`,
        `role shared holds Celery's queues, which have no TTL: with ${policy} Redis evicts them when memory fills, so tasks would be silently dropped (use a volatile-* policy)`,
        policy,
      ),
    );
  }
  if (HOLDS_QUEUES[r.role] && appendonly(r) === "no") {
    out.push(issue(`${key}.settings.appendonly`, `role ${r.role} holds Celery's queues: without the AOF a restart loses every queued task`, "no"));
  }
  const ceiling = maxmemoryCeiling(r);
  const share = maxmemoryShare(r.role, persistent(r));
  if (o.maxmemory !== undefined && o.maxmemory > ceiling) {
    const why = persistent(r)
      ? `a fork for an AOF rewrite or RDB save needs room for copy-on-write of what role ${r.role}'s ${WRITE_PATTERN[r.role]} dirty meanwhile`
      : "client buffers and fragmentation need room outside maxmemory";
    out.push(
      issue(
        `${key}.settings.maxmemory`,
        `${formatRedisMemory(o.maxmemory)} is more than ${share.text} x limits.memory ${formatMemory(r.resources.limits.memory)} = ${formatRedisMemory(ceiling)}: ${why}`,
        formatRedisMemory(o.maxmemory),
      ),
    );
  }
  const maxmemory = o.maxmemory ?? ceiling;
  if (persistent(r) && r.storage.size < 2 * maxmemory) {
    out.push(
      issue(
        `${key}.storage.size`,
        `must hold two copies of the dataset while the AOF is rewritten: at least 2 x maxmemory ${formatRedisMemory(maxmemory)} = ${formatMemory(bytes(2 * maxmemory))}`,
        formatMemory(r.storage.size),
      ),
    );
  }
  if (o.maxmemory !== undefined && o.maxmemory < MiB) {
    // Redis reads 0 as no limit: it would grow until the kernel kills the container instead of refusing writes.
    const why = o.maxmemory === 0 ? "0 is no limit to Redis, so the container would be OOM-killed instead of Redis applying its policy" : "less than 1mb leaves no room for data";
    out.push(issue(`${key}.settings.maxmemory`, `${why}; set at least 1mb or leave it unset (derived from limits.memory)`, formatRedisMemory(o.maxmemory)));
  } else if (maxmemory < MiB) {
    out.push(issue(`${key}.resources.limits.memory`, `leaves maxmemory ${maxmemory} bytes, less than 1mb`, formatMemory(r.resources.limits.memory)));
  }
  return out;
}

/** redis.conf: one directive a line. The password is not here: it comes from the Secret's auth.conf. */
export function renderRedisConf(s: RedisSettings, opts: { port: number; authFile: string; role: RedisRole }): string {
  const value = (k: keyof RedisSettings) => {
    const v = s[k];
    if (k === "maxmemory") return formatRedisMemory(v as Bytes);
    return v === "" ? '""' : String(v);
  };
  const lines = [
    "# Generated by rightsize from the container's memory limit and the instance's role; edit the stack config, not this file.",
    `# role ${opts.role}: maxmemory-policy ${ROLE_POLICY[opts.role]} unless set in stack config`,
    "bind * -::*",
    `port ${opts.port}`,
    "protected-mode yes",
    "dir /data",
    ...(Object.keys(s) as (keyof RedisSettings)[]).map((k) => `${k} ${value(k)}`),
    `include ${opts.authFile}`,
  ];
  return lines.join("\n") + "\n";
}

/** A redis.conf line that sets the password, quoted as Redis' config parser unquotes it. */
export function requirepassLine(password: string): string {
  const escaped = [...password]
    .map((ch) => {
      if (ch === "\\") return "\\\\";
      if (ch === '"') return '\\"';
      const code = ch.codePointAt(0)!;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
    })
    .join("");
  return `requirepass "${escaped}"\n`;
}

/** SIGTERM makes Redis fsync the AOF (and save, with save points) before it exits. */
export function terminationGracePeriod(): Seconds {
  return seconds(60);
}

/** The usage model: the dataset (capped by maxmemory) + what the share leaves for buffers, fragmentation and forks. */
export function redisUsage(r: RedisInstanceConfig): UsageAccount {
  const maxmemory = bytes(redisSettings(r).maxmemory);
  return { units: 1, fixed: bytes(Math.max(0, r.resources.limits.memory - maxmemory)), perUnit: maxmemory };
}

/** The smallest limit (whole MiB) whose derived maxmemory holds `dataset`: the inverse of maxmemoryCeiling. */
export function redisLimitFor(r: RedisInstanceConfig, _units: number, dataset: Bytes): Bytes {
  const s = maxmemoryShare(r.role, persistent(r));
  let limit = Math.max(MiB, (Math.ceil((Math.ceil(dataset / MiB) * MiB * s.den) / s.num / MiB) - 4) * MiB);
  const at = (m: number) => ({ ...r, resources: { ...r.resources, limits: { ...r.resources.limits, memory: bytes(m) } } });
  while (maxmemoryCeiling(at(limit)) < dataset) limit += MiB;
  return bytes(limit);
}
