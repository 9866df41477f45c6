// What KEDA's redis scaler reads is LLEN of the lists the ScaledObject names. With no worker running,
// Debian's Celery 5.2 sends tasks (some with priorities) to the scraping queue on a redis-server started
// from the rendered broker config, with the rendered settings module; the LLENs of the prod
// ScaledObject's lists must add up to the tasks sent, and no other list may hold any.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CelerySandbox, celerySandbox } from "./celery-sandbox";
import { missingPackages, PYTHON, renderStack, reportMissing, run, stop, stopAll, TOOLS } from "./support";

const skip = reportMissing("KEDA list-length check", missingPackages([TOOLS.python, TOOLS.redisServer], { celery: "python3-celery", redis: "python3-redis" }));
const PASSWORD = "keda-check-password/with:url@chars";

interface Trigger {
  type: string;
  metadata: { address: string; listName: string; listLength: string; databaseIndex: string };
}

// [priority or none, how many]: kombu rounds a priority down to its step (0, 3, 6, 9).
const SENT: [number | null, number][] = [[null, 3], [0, 1], [2, 1], [3, 2], [5, 1], [6, 2], [9, 2]];
const N = SENT.reduce((n, [, k]) => n + k, 0);

describe.skipIf(skip)("the prod ScaledObject's lists hold what Celery sends", () => {
  const r = renderStack("prod");
  const so = r.get("ScaledObject", "celery-worker-scraping") as { spec: { triggers: Trigger[] } };
  const triggers = so.spec.triggers;
  const names = triggers.map((t) => t.metadata.listName);
  let sb: CelerySandbox;
  let lengths: number[] = [];
  let lists: string[] = [];

  beforeAll(async () => {
    sb = await celerySandbox(r, PASSWORD);
    const send = [
      "import json, sys",
      "from tasks import touch",
      "for pri, n in json.loads(sys.argv[1]):",
      "    for _ in range(n):",
      "        touch.apply_async(args=['/nonexistent'], queue='scraping', **({} if pri is None else {'priority': pri}))",
    ].join("\n");
    const sent = run(PYTHON, ["-c", send, JSON.stringify(SENT)], { cwd: sb.root, env: sb.env() });
    expect(sent.code, sent.stderr).toBe(0);
    // The exact names from the ScaledObject (control characters included), read with a plain Redis client.
    const read = [
      "import json, sys, redis",
      "db, names = json.loads(sys.argv[1])",
      `r = redis.Redis(host='127.0.0.1', port=${sb.port}, password=sys.argv[2], db=db)`,
      "print(json.dumps([r.llen(n) for n in names]))",
      "print(json.dumps(sorted(k.decode('utf-8') for k in r.keys('*') if r.type(k) == b'list')))",
    ].join("\n");
    const got = run(PYTHON, ["-c", read, JSON.stringify([Number(triggers[0]!.metadata.databaseIndex), names]), PASSWORD]);
    expect(got.code, got.stderr).toBe(0);
    [lengths, lists] = got.stdout.trim().split("\n").map((l) => JSON.parse(l));
  });
  afterAll(async () => {
    if (sb) await stop(sb.redis);
    await stopAll();
  });

  it("names the broker Service's address and the pool's concurrency per replica", () => {
    const svc = r.get("Service", "redis-broker") as { metadata: { namespace: string }; spec: { ports: { port: number }[] } };
    const tuning = JSON.parse(r.get("Deployment", "celery-worker-scraping").metadata!.annotations!["rightsize.io/tuning"]!);
    for (const t of triggers) {
      expect(t.type).toBe("redis");
      expect(t.metadata.address).toBe(`redis-broker.${svc.metadata.namespace}.svc:${svc.spec.ports[0]!.port}`);
      expect(t.metadata.listLength).toBe(String(tuning.worker_concurrency));
    }
  });

  it(`LLEN over the ScaledObject's lists is the ${N} tasks sent, split as kombu's priority steps split them`, () => {
    expect(lengths).toEqual([5, 3, 2, 2]);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(N);
  });

  it("no other list holds a task, so the trigger misses none", () => {
    expect(lists).toEqual(names.filter((_, i) => lengths[i]! > 0).sort());
  });

  it("the pinned priority steps and separator are kombu's own defaults", () => {
    const k = run(PYTHON, ["-c", "import json\nfrom kombu.transport.redis import Channel\nprint(json.dumps([Channel.sep, Channel.priority_steps]))"]);
    expect(k.code, k.stderr).toBe(0);
    expect(JSON.parse(k.stdout)).toEqual(["\x06\x16", [0, 3, 6, 9]]);
    expect(names).toEqual(["scraping", "scraping\x06\x163", "scraping\x06\x166", "scraping\x06\x169"]);
  });
});
