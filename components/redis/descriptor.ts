// The Redis instances as the rest of the program sees them (components/descriptor.ts).
import type { RedisInstanceConfig } from "../../config/schema/redis";
import { COMPONENT } from "../../model/annotations";
import type { ComponentDescriptor } from "../descriptor";
import { REDIS as ENDPOINTS } from "../shared/endpoints";
import { redisLimitFor, redisUsage } from "./tuning";

export const REDIS: ComponentDescriptor<RedisInstanceConfig> = {
  kind: COMPONENT.redis,
  workloads: (c) => [
    { name: ENDPOINTS.broker.name, configKey: "redis.broker", config: c.redis.broker },
    ...(c.redis.cache ? [{ name: ENDPOINTS.cache.name, configKey: "redis.cache", config: c.redis.cache }] : []),
  ],
  credentials: (values) => {
    const redis = values.redis;
    const cache = redis !== null && typeof redis === "object" && (redis as Record<string, unknown>).cache !== undefined;
    return ["redis.broker.password", ...(cache ? ["redis.cache.password"] : [])];
  },
  headline: ["maxmemory", "maxmemory-policy", "appendonly"],
  reliedOn: ["maxmemory"],
  usage: { unit: "dataset", account: redisUsage, limitFor: redisLimitFor },
};
