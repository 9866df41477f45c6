import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOAD_LINE, probeCommand, pyLiteral, renderConfigModule, renderFiles, sharedSettings } from "../../../components/celery/module";
import { baseValues, set, valid } from "../../helpers/stack";

// 80 connections (web 40 + the pools 40) + 3 reserved: more than the default 80, so Postgres gets 90 and 2Gi.
const celery = valid(
  set(set(set(baseValues(), "postgres.maxConnections", 90), "postgres.resources.limits.memory", "2Gi"), "celery", {
    taskEvents: true,
    workers: {
      scraping: { timeLimit: 3600, softTimeLimit: 3300, resources: { requests: { cpu: "500m", memory: "768Mi" }, limits: { cpu: "2", memory: "1536Mi" } } },
      mail: { timeLimit: 120, softShutdownWindow: 60 },
    },
  }),
).celery!;

describe("rightsize_celeryconfig.py", () => {
  const text = renderConfigModule(celery);

  it("documents the one line the app adds", () => {
    expect(LOAD_LINE).toBe('app.config_from_object("rightsize_celeryconfig")');
    expect(text).toContain(`#     ${LOAD_LINE}\n`);
  });

  it("builds the broker URL from the password in the environment, never a literal", () => {
    expect(text).toContain('_password = _os.environ.get("REDIS_PASSWORD", "")\n');
    expect(text).toContain('broker_url = ("redis://:%s@" % _quote(_password, safe="") if _password else "redis://") + "redis-broker:6379/0"\n');
  });

  it("shares the broker-wide settings and keeps each pool's in _POOLS", () => {
    // kombu's own priority steps and separator, pinned: the ScaledObjects name the lists they produce.
    expect(text).toContain('broker_transport_options = {"visibility_timeout": 7200, "priority_steps": [0, 3, 6, 9], "sep": "\\u0006\\u0016"}\n');
    expect(text).toContain("task_acks_late = True\ntask_reject_on_worker_lost = True\n");
    expect(text).toContain("worker_send_task_events = True\n");
    expect(text).toContain('beat_schedule_filename = "/var/lib/celery-beat/celerybeat-schedule"\n');
    expect(text).toContain(
      [
        '    "scraping": {',
        '        "worker_concurrency": 6,',
        '        "worker_prefetch_multiplier": 1,',
        '        "worker_max_memory_per_child": 218862,',
        '        "worker_max_tasks_per_child": 100,',
        '        "task_time_limit": 3600,',
        '        "task_soft_time_limit": 3300,',
        "    },",
      ].join("\n"),
    );
    expect(text).toContain('        "worker_soft_shutdown_timeout": 60,\n');
    expect(text).toContain('_pool = _os.environ.get("RIGHTSIZE_CELERY_POOL")\nif _pool:\n');
  });

  it("keys the shared settings as Celery spells them", () => {
    expect(Object.keys(sharedSettings(celery))).toEqual([
      "broker_transport_options",
      "task_default_queue",
      "task_acks_late",
      "task_reject_on_worker_lost",
      "worker_cancel_long_running_tasks_on_connection_loss",
      "worker_send_task_events",
      "task_send_sent_event",
      "beat_schedule_filename",
      "beat_scheduler",
      "beat_max_loop_interval",
    ]);
  });

  it("writes Python literals", () => {
    expect(pyLiteral(true)).toBe("True");
    expect(pyLiteral({ a: [1, "x\"y"], b: false })).toBe('{"a": [1, "x\\"y"], "b": False}');
    expect(() => pyLiteral(Number.NaN)).toThrow(RangeError);
  });
});

describe("probes", () => {
  it("read files with the stdlib only, and never run celery inspect", () => {
    expect(probeCommand("readiness")).toEqual(["python3", "-S", "/etc/rightsize/celery/rightsize_celery_probes.py", "readiness"]);
    expect(probeCommand("liveness", 60)).toEqual(["python3", "-S", "/etc/rightsize/celery/rightsize_celery_probes.py", "liveness", "60"]);
    const probes = renderFiles(celery)["rightsize_celery_probes.py"]!;
    // Nothing runs a command or imports Celery at module level (only install() does, inside the worker).
    expect(probes).not.toMatch(/subprocess|os\.system|^import celery|^from celery/m);
    expect(probes).toContain("    from celery import signals\n");
    expect(probes).toContain("signals.heartbeat_sent.connect(_heartbeat, weak=False)");
    expect(probes).toContain("signals.worker_ready.connect(_ready, weak=False)");
    expect(probes).toContain('BROKER = ("redis-broker", 6379)');
  });
});

// Debian's python3 compiles every file (syntax only: Celery itself need not be installed here).
const PYTHON = "/usr/bin/python3";
describe.skipIf(!existsSync(PYTHON))("the rendered files under Debian's python3", () => {
  it("compile", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-celery-"));
    const files = renderFiles(celery);
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    const r = spawnSync(PYTHON, ["-m", "py_compile", ...Object.keys(files).map((f) => join(dir, f))], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
