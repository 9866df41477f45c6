import { beforeAll, describe, expect, it } from "vitest";
import { Celery } from "../../../components/celery";
import type { K8sObject } from "../../../model/k8s";
import { collect, find, useMocks } from "../../helpers/mocks";
import { baseValues, set, valid } from "../../helpers/stack";

const scraping = { queues: ["scraping"], replicas: 2, timeLimit: 3600, softTimeLimit: 3300, resources: { requests: { cpu: "500m", memory: "768Mi" }, limits: { cpu: "2", memory: "1536Mi" } } };

// web's 40 + these pools' 64 + 3 reserved is more than the default 100 Postgres connections.
const base = () => set(set(baseValues(), "postgres.maxConnections", 150), "postgres.resources.limits.memory", "2560Mi");

describe("Celery under mocks", () => {
  let objects: K8sObject[];
  let pvc: K8sObject[];
  beforeAll(async () => {
    useMocks();
    const c = valid(set(base(), "celery", { workers: { default: { timeLimit: 120 }, scraping } })).celery!;
    objects = (await collect(() => new Celery("celery", { namespace: "ns", config: c, image: "reg.example.com/app:1.0.0", workerEnv: [{ name: "RIGHTSIZE_PLAYWRIGHT_URL", value: "ws://playwright:3000/x" }] }))).objects;
    const p = valid(set(base(), "celery", { workers: {}, beat: { schedule: { volume: "persistentVolumeClaim", size: "128Mi", storageClassName: "fast" } } })).celery!;
    pvc = (await collect(() => new Celery("jobs", { namespace: "ns2", config: p, image: "reg.example.com/app:1.0.0" }))).objects;
  });

  it("creates the settings ConfigMap, one Deployment per pool, beat and PDBs for pools of 2+", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(
      ["ConfigMap/celery-config", "Deployment/celery-beat", "Deployment/celery-worker-default", "Deployment/celery-worker-scraping", "PodDisruptionBudget/celery-worker-scraping"].sort(),
    );
    const cm = find(objects, "ConfigMap", "celery-config") as { data: Record<string, string> };
    expect(Object.keys(cm.data).sort()).toEqual(["rightsize_celery_beat.py", "rightsize_celery_probes.py", "rightsize_celeryconfig.py"]);
  });

  it("records the tuning as Celery spells it", () => {
    const d = find(objects, "Deployment", "celery-worker-scraping");
    expect(d.metadata!.annotations!["rightsize.io/component"]).toBe("celery-worker");
    expect(JSON.parse(d.metadata!.annotations!["rightsize.io/tuning"]!)).toEqual({
      queues: ["scraping"],
      worker_concurrency: 6,
      worker_prefetch_multiplier: 1,
      worker_max_memory_per_child: 218862,
      worker_max_tasks_per_child: 100,
      task_acks_late: true,
      task_reject_on_worker_lost: true,
      task_time_limit: 3600,
      task_soft_time_limit: 3300,
      visibility_timeout: 7200,
      rightsize_parent_memory: 100 * 1024 * 1024,
    });
  });

  it("runs the worker on its queues, waits for running tasks, and surges a full pool", () => {
    const d = find(objects, "Deployment", "celery-worker-scraping");
    const pod = d.spec.template.spec;
    expect(pod.containers[0].command).toEqual([
      "celery", "--app", "app:celery", "worker", "--loglevel", "INFO", "--queues", "scraping", "--hostname", "scraping@%h", "--without-gossip", "--without-mingle",
    ]);
    expect(pod.terminationGracePeriodSeconds).toBe(3630);
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } });
    expect(d.spec.template.metadata.labels["rightsize.io/app-client"]).toBe("true");
  });

  it("probes read the heartbeat and ready files, never celery inspect ping", () => {
    const c = find(objects, "Deployment", "celery-worker-default").spec.template.spec.containers[0];
    expect(c.livenessProbe.exec.command).toEqual(["python3", "-S", "/etc/rightsize/celery/rightsize_celery_probes.py", "liveness", "60"]);
    expect(c.readinessProbe.exec.command).toEqual(["python3", "-S", "/etc/rightsize/celery/rightsize_celery_probes.py", "readiness"]);
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(120);
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect(p.exec.command.join(" ")).not.toContain("inspect");
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(["/etc/rightsize/celery", "/run/celery", "/tmp"]);
  });

  it("takes every credential from a Secret and selects its pool", () => {
    const env = find(objects, "Deployment", "celery-worker-default").spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.RIGHTSIZE_CELERY_POOL!.value).toBe("default");
    expect(byName.REDIS_PASSWORD!.valueFrom).toEqual({ secretKeyRef: { name: "redis-broker-credentials", key: "password" } });
    expect(byName.POSTGRES_PASSWORD!.valueFrom).toEqual({ secretKeyRef: { name: "postgres-credentials", key: "password" } });
    expect(byName.DATABASE_URL!.value).toBe("postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/$(POSTGRES_DB)");
    expect(byName.RIGHTSIZE_DB_POOL_SIZE!.value).toBe("1");
    expect(byName.RIGHTSIZE_PLAYWRIGHT_URL!.value).toBe("ws://playwright:3000/x");
    // $(VAR) only refers to variables defined earlier in the list
    const at = (n: string) => env.findIndex((e) => e.name === n);
    expect(at("POSTGRES_PASSWORD")).toBeLessThan(at("DATABASE_URL"));
    expect(env.every((e) => e.name !== "REMAP_SIGTERM")).toBe(true);
  });

  it("beat: exactly one, Recreate, schedule on a writable volume, small resources", () => {
    const d = find(objects, "Deployment", "celery-beat");
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
    const pod = d.spec.template.spec;
    expect(pod.containers[0].command).toEqual(["celery", "--app", "app:celery", "beat", "--loglevel", "INFO"]);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } });
    expect(pod.volumes.find((v: { name: string }) => v.name === "schedule")).toEqual({ name: "schedule", emptyDir: { sizeLimit: "64Mi" } });
    expect(pod.containers[0].livenessProbe.exec.command.at(-1)).toBe("180");
    expect(JSON.parse(d.metadata!.annotations!["rightsize.io/tuning"]!)).toEqual({
      beat_schedule_filename: "/var/lib/celery-beat/celerybeat-schedule",
      beat_scheduler: "rightsize_celery_beat:HeartbeatScheduler",
      beat_max_loop_interval: 60,
      replicas: 1,
    });
  });

  it("beat can keep its schedule on a PersistentVolumeClaim", () => {
    expect(find(pvc, "PersistentVolumeClaim", "jobs-beat-schedule").spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "128Mi" } },
      storageClassName: "fast",
    });
    const vol = find(pvc, "Deployment", "jobs-beat").spec.template.spec.volumes.find((v: { name: string }) => v.name === "schedule");
    expect(vol).toEqual({ name: "schedule", persistentVolumeClaim: { claimName: "jobs-beat-schedule" } });
  });

  it("a pool change rolls only that pool", async () => {
    const hash = (objs: K8sObject[], n: string) => find(objs, "Deployment", n).spec.template.metadata.annotations["rightsize.io/config-sha256"];
    const changed = valid(set(base(), "celery", { workers: { default: { timeLimit: 120, maxTasksPerChild: 7 }, scraping } })).celery!;
    const again = (await collect(() => new Celery("celery-b", { namespace: "ns3", config: changed, image: "reg.example.com/app:1.0.0" }))).objects;
    expect(hash(again, "celery-b-worker-scraping")).toBe(hash(objects, "celery-worker-scraping"));
    expect(hash(again, "celery-b-worker-default")).not.toBe(hash(objects, "celery-worker-default"));
  });

  it("a soft-shutdown window remaps SIGTERM so Celery >= 5.5 cancels and requeues at the window", async () => {
    const w = valid(set(base(), "celery", { workers: { quick: { softShutdownWindow: 45 } }, beat: { enabled: false } })).celery!;
    const objs = (await collect(() => new Celery("celery-c", { namespace: "ns4", config: w, image: "reg.example.com/app:1.0.0", database: false }))).objects;
    const pod = find(objs, "Deployment", "celery-c-worker-quick").spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(75);
    const names = pod.containers[0].env.map((e: { name: string }) => e.name);
    expect(names).toContain("REMAP_SIGTERM");
    expect(names).not.toContain("DATABASE_URL");
    expect(objs.some((o) => o.metadata?.name === "celery-c-beat")).toBe(false);
  });
});
