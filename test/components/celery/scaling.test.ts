import { describe, expect, it } from "vitest";
import {
  brokerLists,
  cooldownPeriod,
  scaleDownPeriod,
  scaleDownWindow,
  scaledObjectSpec,
  tasksPerReplica,
} from "../../../components/celery/scaling";
import { celeryDbConnections, maxReplicas, minReplicas, softTimeLimit, terminationGracePeriod, visibilityTimeout } from "../../../components/celery/tuning";
import { baseValues, problems, resources as res, set, valid } from "../../helpers/stack";

const withCelery = (celery: Record<string, unknown>) => set(set(set(baseValues(), "celery", celery), "postgres.maxConnections", 170), "postgres.resources.limits.memory", "2560Mi");
const config = (p: Record<string, unknown>, name = "scraping") => valid(withCelery({ workers: { [name]: p } })).celery!;
const pool = (p: Record<string, unknown>, name = "scraping") => config(p, name).workers[name]!;

// prod's scraping pool: 2 CPU / 2Gi, hour-long tasks (soft 55 minutes), 8 processes.
const scraping = { queues: ["scraping"], resources: res("300m", "1Gi", "2", "2Gi"), timeLimit: 3600, softTimeLimit: 3300, autoscaling: { minReplicas: 1, maxReplicas: 3 } };
// Short tasks: a 2-minute hard limit, soft 108 s, grace 150 s.
const mail = { queues: ["mail", "webhooks"], timeLimit: 120, autoscaling: { maxReplicas: 4 } };

describe("the lists a queue's messages sit on", () => {
  it("are kombu's: the queue for priority 0-2, then <queue>\\x06\\x16<step> for steps 3, 6, 9", () => {
    expect(brokerLists("scraping")).toEqual(["scraping", "scraping\x06\x163", "scraping\x06\x166", "scraping\x06\x169"]);
  });
});

describe("replicas", () => {
  it("default minReplicas to replicas, else 1; the fixed count stays replicas", () => {
    expect([minReplicas(pool(scraping)), maxReplicas(pool(scraping))]).toEqual([1, 3]);
    expect([minReplicas(pool({ ...mail, replicas: 2 })), maxReplicas(pool({ ...mail, replicas: 2 }))]).toEqual([2, 4]);
    expect([minReplicas(pool({ replicas: 5 })), maxReplicas(pool({ replicas: 5 }))]).toEqual([5, 5]);
    expect([minReplicas(pool({})), maxReplicas(pool({}))]).toEqual([1, 1]);
  });

  it("count Postgres connections at the max, with a full rollout surge", () => {
    const c = config(scraping);
    expect(celeryDbConnections(valid(withCelery({ workers: { scraping } }))).map((d) => d.connections)).toEqual([6 * 8 * 2]);
    expect(c.workers.scraping!.autoscaling!.maxReplicas).toBe(3);
  });
});

describe("scale-down arithmetic", () => {
  it("prod's scraping pool: a 3300 s window (the soft limit), one pod per 1800 s (the HPA's cap below the 3630 s grace)", () => {
    const p = pool(scraping);
    expect([softTimeLimit(p), terminationGracePeriod(p)]).toEqual([3300, 3630]);
    expect(scaleDownWindow(p)).toBe(3300);
    expect(scaleDownPeriod(p)).toBe(1800);
    expect(cooldownPeriod(p)).toBe(3300);
    expect(tasksPerReplica(p)).toBe(8);
  });

  it("short tasks: the window is the soft limit and one pod leaves per grace period", () => {
    const p = pool(mail, "mail");
    expect(scaleDownWindow(p)).toBe(108);
    expect(scaleDownPeriod(p)).toBe(150);
    expect(cooldownPeriod(p)).toBe(108);
  });

  it("a soft limit past an hour gets the HPA's one-hour maximum", () => {
    const p = pool({ timeLimit: 7200, autoscaling: { maxReplicas: 2 } }, "batch");
    expect(softTimeLimit(p)).toBe(6480);
    expect(scaleDownWindow(p)).toBe(3600);
  });

  it("configured cooldown and tasks per replica win", () => {
    const p = pool({ ...scraping, autoscaling: { ...scraping.autoscaling, cooldownSeconds: 60, tasksPerReplica: 20 } });
    expect(cooldownPeriod(p)).toBe(60);
    expect(tasksPerReplica(p)).toBe(20);
  });

  it("stays consistent with acks_late: a task running in a draining pod ends by the hard limit, inside the grace period and the visibility timeout", () => {
    const c = config(scraping);
    const p = c.workers.scraping!;
    expect(p.timeLimit).toBeLessThan(terminationGracePeriod(p));
    expect(visibilityTimeout(c)).toBe(7200);
    expect(visibilityTimeout(c)).toBeGreaterThan(p.timeLimit);
  });
});

describe("the ScaledObject's spec", () => {
  it("has one redis trigger per list of every queue, summed into one metric of tasksPerReplica per replica", () => {
    const s = scaledObjectSpec({ pool: "mail", config: pool(mail, "mail"), deployment: "celery-worker-mail", namespace: "prod-ns", authentication: "celery-broker-auth" });
    expect(s.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "celery-worker-mail" });
    expect([s.minReplicaCount, s.maxReplicaCount, s.pollingInterval, s.cooldownPeriod]).toEqual([1, 4, 30, 108]);
    expect(s.triggers.map((t) => [t.name, t.metadata.listName])).toEqual([
      ["q0_p0", "mail"], ["q0_p3", "mail\x06\x163"], ["q0_p6", "mail\x06\x166"], ["q0_p9", "mail\x06\x169"],
      ["q1_p0", "webhooks"], ["q1_p3", "webhooks\x06\x163"], ["q1_p6", "webhooks\x06\x166"], ["q1_p9", "webhooks\x06\x169"],
    ]);
    expect(s.triggers[0]).toEqual({
      type: "redis",
      name: "q0_p0",
      // KEDA's operator resolves the name from its own namespace, so the address names the broker's.
      metadata: { address: "redis-broker.prod-ns.svc:6379", listName: "mail", listLength: "4", databaseIndex: "0" },
      authenticationRef: { name: "celery-broker-auth" },
    });
    expect(JSON.stringify(s)).not.toMatch(/password/i);
    expect(s.advanced).toEqual({
      horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 108, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 150 }] } } },
      scalingModifiers: { formula: "q0_p0 + q0_p3 + q0_p6 + q0_p9 + q1_p0 + q1_p3 + q1_p6 + q1_p9", target: "4", metricType: "AverageValue" },
    });
  });

  it("watches only the selected queues", () => {
    const s = scaledObjectSpec({ pool: "mail", config: pool({ ...mail, autoscaling: { maxReplicas: 4, queues: ["webhooks"] } }, "mail"), deployment: "d", namespace: "n", authentication: "a" });
    expect(s.triggers.map((t) => t.metadata.listName)).toEqual(brokerLists("webhooks"));
  });
});

describe("autoscaling config errors name the key and the value", () => {
  it("maxReplicas below minReplicas", () => {
    expect(problems(withCelery({ workers: { scraping: { ...scraping, autoscaling: { minReplicas: 4, maxReplicas: 2 } } } }))).toEqual([
      "celery.workers.scraping.autoscaling.maxReplicas: must be at least minReplicas 4 (got 2)",
    ]);
    // minReplicas defaults to replicas.
    expect(problems(withCelery({ workers: { scraping: { ...scraping, replicas: 5, autoscaling: { maxReplicas: 3 } } } }))).toEqual([
      "celery.workers.scraping.autoscaling.maxReplicas: must be at least minReplicas 5 (got 3)",
    ]);
  });

  it("a fixed replicas other than minReplicas", () => {
    expect(problems(withCelery({ workers: { scraping: { ...scraping, replicas: 2 } } }))).toEqual([
      "celery.workers.scraping.replicas: conflicts with autoscaling.minReplicas 1: the ScaledObject owns the replica count (1..3), so leave replicas unset or equal to minReplicas (got 2)",
    ]);
    expect(problems(withCelery({ workers: { scraping: { ...scraping, replicas: 1 } } }))).toEqual([]);
  });

  it("a queue the pool does not consume", () => {
    expect(problems(withCelery({ workers: { mail: { ...mail, autoscaling: { maxReplicas: 4, queues: ["webhooks", "scraping"] } } } }))).toEqual([
      "celery.workers.mail.autoscaling.queues.1: is not a queue this pool consumes (mail, webhooks): its backlog would add pods that never take its tasks (got \"scraping\")",
    ]);
  });

  it("scale to zero for the default queue's pool while beat runs, unless allowed", () => {
    const zero = { queues: ["default"], timeLimit: 120, autoscaling: { minReplicas: 0, maxReplicas: 2 } };
    expect(problems(withCelery({ workers: { default: zero } }))).toEqual([
      'celery.workers.default.autoscaling.minReplicas: scales the pool that consumes celery.defaultQueue "default" to zero while beat is enabled: ' +
        "scheduled tasks sent there would wait for a cold start (KEDA polls every 30 s, then a pod starts within probes.startupTimeout 120 s); " +
        "set autoscaling.allowScaleToZero: true to accept that, or keep minReplicas at 1 (got 0)",
    ]);
    expect(problems(withCelery({ workers: { default: { ...zero, autoscaling: { ...zero.autoscaling, allowScaleToZero: true } } } }))).toEqual([]);
    expect(problems(withCelery({ workers: { default: zero }, beat: { enabled: false } }))).toEqual([]);
    // Another pool may sleep: beat's tasks do not go to it.
    expect(problems(withCelery({ workers: { default: { timeLimit: 120 }, scraping: { ...scraping, autoscaling: { minReplicas: 0, maxReplicas: 3 } } } }))).toEqual([]);
  });

  it("shape errors all at once (the cross-field checks wait for a valid shape)", () => {
    expect(problems(withCelery({ workers: { scraping: { ...scraping, replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 0, pollingInterval: 0, extra: 1 } } } }))).toEqual([
      "celery.workers.scraping.autoscaling.maxReplicas: must be at least 1 (got 0)",
      "celery.workers.scraping.autoscaling.pollingInterval: must be at least 1 (got 0)",
      "celery.workers.scraping.autoscaling.extra: unknown key (known keys: minReplicas, maxReplicas, tasksPerReplica, cooldownSeconds, pollingInterval, queues, allowScaleToZero)",
    ]);
  });
});
