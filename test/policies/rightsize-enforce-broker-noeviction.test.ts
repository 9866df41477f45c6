// rightsize-enforce-broker-noeviction: the mandatory rule that the broker never evicts queued tasks, from the rightsize.io/tuning annotation.
import { describe, expect, it } from "vitest";
import { evaluate, messages, one, UNKNOWN } from "../helpers/policy";
import { changed, setTuning } from "./fixtures";

describe("rightsize-enforce-broker-noeviction", () => {
  const only = "rightsize-enforce-broker-noeviction";
  const redis = (role: string, policy: string) =>
    changed("StatefulSet", "redis-broker", (o) => {
      o.metadata.annotations["rightsize.io/role"] = role;
      setTuning(o, { maxmemory: "192mb", "maxmemory-policy": policy });
    });

  it("rejects an evicting broker", async () => {
    expect(await evaluate(redis("broker", "allkeys-lru"))).toEqual([
      {
        policy: only,
        level: "mandatory",
        resource: "StatefulSet/redis-broker",
        message:
          'StatefulSet redis-broker: the Celery broker (rightsize.io/role broker) has maxmemory-policy "allkeys-lru"; when memory runs out it evicts queued tasks without a trace. Use noeviction',
      },
    ]);
  });

  it("lets a cache evict", async () => {
    expect(await messages(redis("cache", "allkeys-lru"), only)).toEqual([]);
  });

  it("takes an absent policy as Redis' default, noeviction", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => setTuning(o, { maxmemory: "192mb" }));
    expect(await messages(objects, only)).toEqual([]);
  });

  it("names an unreadable tuning annotation", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => (o.metadata.annotations["rightsize.io/tuning"] = "{maxmemory"));
    const [m] = await messages(objects, only);
    expect(m).toMatch(/^StatefulSet redis-broker: rightsize.io\/tuning is not valid JSON \(.+\), so its settings cannot be checked$/);
  });

  it("an unknown tuning annotation fails it at the mandatory level", async () => {
    const objects = changed("StatefulSet", "redis-broker", (o) => (o.metadata.annotations["rightsize.io/tuning"] = UNKNOWN));
    expect(await evaluate(objects, {}, "rightsize-enforce-broker-noeviction")).toEqual(
      one(
        "rightsize-enforce-broker-noeviction",
        "mandatory",
        "StatefulSet/redis-broker",
        "StatefulSet redis-broker: cannot be checked at preview: string value at .metadata.annotations.rightsize.io/tuning can't be known during preview",
      ),
    );
  });
});
