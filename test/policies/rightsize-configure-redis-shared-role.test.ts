// rightsize-configure-redis-shared-role: one change from the compliant baseline, one finding with the exact message.
import { describe } from "vitest";
import { type Case, eachCase, one } from "../helpers/policy";
import { changed } from "./fixtures";

const cases: Case[] = [
  [
    "a Redis shared by broker and cache",
    () => changed("StatefulSet", "redis-broker", (o) => (o.metadata!.annotations!["rightsize.io/role"] = "shared")),
    one(
      "rightsize-configure-redis-shared-role",
      "advisory",
      "StatefulSet/redis-broker",
      "StatefulSet redis-broker: one Redis (rightsize.io/role shared) is both the Celery broker and a cache; volatile-lru keeps queued tasks only while every cache key has a TTL, and a cache key without one is never evicted. Prefer a broker instance with noeviction and a separate cache instance (redis.cache)",
    ),
  ],
];

describe("rightsize-configure-redis-shared-role", () => {
  eachCase(cases);
});
