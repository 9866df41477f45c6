// One Redis serving as both broker and cache must evict only keys with a TTL (volatile-lru): queued tasks
// have none, so they survive, but cache entries written without a TTL are never evicted and memory can still
// run out. Two instances (broker: noeviction, cache: allkeys-lru) are the safer shape; this says so.
import { ANNOTATION, COMPONENT } from "../model/annotations";
import { componentOf, describeObject, roleOf, isWorkload } from "../model/k8s";
import { resourcePolicy } from "./lib/policy";

export const configureRedisSharedRole = resourcePolicy({
  name: "rightsize-configure-redis-shared-role",
  description: "A Redis shared by the Celery broker and a cache is flagged: separate instances are safer.",
  enforcementLevel: "advisory",
  applies: (o) => isWorkload(o) && componentOf(o) === COMPONENT.redis && roleOf(o) === "shared",
  check: (o) => [
    `${describeObject(o)}: one Redis (${ANNOTATION.role} shared) is both the Celery broker and a cache; volatile-lru keeps queued tasks ` +
      `only while every cache key has a TTL, and a cache key without one is never evicted. Prefer a broker instance with ` +
      `noeviction and a separate cache instance (redis.cache)`,
  ],
});
