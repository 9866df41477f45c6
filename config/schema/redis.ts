import { z } from "zod";
import { parseRedisMemory, REDIS_MEMORY_HELP } from "../../model/native-units";
import type { Bytes } from "../../model/units";
import { resources, secretString, volumeShape } from "./common";

export const REDIS_ROLES = ["broker", "cache", "shared"] as const;
export type RedisRole = (typeof REDIS_ROLES)[number];

export const EVICTION_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

const redisMemory = () =>
  z.union([z.string(), z.number()], { error: `must be ${REDIS_MEMORY_HELP}` }).transform((v, ctx): Bytes => {
    const b = parseRedisMemory(v);
    if (b === undefined) {
      ctx.addIssue({ code: "custom", message: `must be ${REDIS_MEMORY_HELP}`, input: v });
      return z.NEVER;
    }
    return b;
  });

/** redis.conf's yes/no (YAML's true/false accepted too). */
const yesNo = () =>
  z
    .union([z.boolean(), z.enum(["yes", "no"])], { error: 'must be "yes" or "no"' })
    .transform((v): "yes" | "no" => (v === true || v === "yes" ? "yes" : "no"));

/** `save`: "" (no RDB snapshots) or pairs of `<seconds> <changes>`, as redis.conf takes it. */
const savePoints = () =>
  z.string().regex(/^\s*(\d+\s+\d+(\s+\d+\s+\d+)*)?\s*$/, { error: 'must be "" or pairs of seconds and changes, e.g. "900 1 300 10"' });

/** `redis.<instance>.settings`: overrides of the derived directives, keyed as redis.conf spells them. */
const settingsSchema = z
  .strictObject({
    maxmemory: redisMemory().optional(),
    "maxmemory-policy": z.enum(EVICTION_POLICIES).optional(),
    appendonly: yesNo().optional(),
    appendfsync: z.enum(["always", "everysec", "no"]).optional(),
    save: savePoints().optional(),
    "tcp-keepalive": z.number().int().min(0).max(7200).optional(),
  })
  .prefault({});
export type RedisOverrides = z.output<typeof settingsSchema>;

/** One Redis instance; 512 MB / 1 CPU by default (a small platform's size), memory request = limit. */
const instanceSchema = (role: RedisRole) =>
  z
    .strictObject({
      /** broker (Celery's queues and results: noeviction), cache (allkeys-lru) or shared (volatile-lru). */
      role: z.enum(REDIS_ROLES).default(role),
      resources: resources({ requests: { cpu: "250m" }, limits: { cpu: "1", memory: "512Mi" } }),
      /** The volume for the AOF / RDB files; an instance without persistence gets none. */
      storage: z.strictObject(volumeShape("2Gi")).prefault({}),
      password: secretString(16),
      settings: settingsSchema,
    })
    .prefault({ password: undefined });

/** `redis`: the Celery broker always; a separate cache optionally. */
export const redisSchema = z
  .strictObject({
    broker: instanceSchema("broker"),
    cache: instanceSchema("cache").optional(),
  })
  .prefault({});
export type RedisConfig = z.output<typeof redisSchema>;
export type RedisInstanceConfig = RedisConfig["broker"];
