// The limits test as a library: the loads by component kind, the workloads of a rendered stack with their
// usage accounts, and one run over them. Returns values; only tools/limits/index.ts prints.
import { stackWorkloads, workloadByConfigKey } from "../../components/registry";
import type { StackConfig } from "../../config/schema";
import { ANNOTATION, COMPONENT, type ComponentKind } from "../../model/annotations";
import type { K8sObject } from "../../model/k8s";
import { browserLoad } from "./browser";
import { celeryLoad } from "./celery";
import { gunicornLoad } from "./gunicorn";
import { createHarness, type Harness } from "./harness";
import { postgresLoad } from "./postgres";
import { redisLoad } from "./redis";
import { missingPackages, type Tool, TOOLS } from "./software";
import { type RenderedWorkload, renderedWorkloads, skippedReport, survived, type WorkloadReport } from "./workload";

export interface Load {
  /** The Debian binaries and Python modules the load needs. */
  readonly tools: readonly Tool[];
  readonly pythonModules?: Record<string, string>;
  run(h: Harness, w: RenderedWorkload): Promise<WorkloadReport>;
}

/**
 * The worst-case load of each component kind whose software Debian ships; the others say why not. Keyed
 * by every kind: a new component does not compile until it has a load or a reason.
 */
export const LOADS: Record<ComponentKind, Load | string> = {
  [COMPONENT.redis]: { tools: [TOOLS.redisServer, TOOLS.redisCli, TOOLS.redisBenchmark], run: (h, w) => redisLoad(h, w) },
  // pgbouncer: the clients go through the rendered PgBouncer when the stack has one.
  [COMPONENT.postgres]: { tools: [TOOLS.postgres, TOOLS.initdb, TOOLS.psql, TOOLS.pgbench, TOOLS.pgbouncer], run: (h, w) => postgresLoad(h, w) },
  [COMPONENT.pgbouncer]: "loaded with Postgres: max_client_conn clients go through the rendered pgbouncer.ini into Postgres' memory group (PgBouncer holds a few kB a connection)",
  [COMPONENT.celeryWorker]: {
    tools: [TOOLS.python, TOOLS.redisServer, TOOLS.redisCli],
    pythonModules: { celery: "python3-celery", redis: "python3-redis" },
    run: (h, w) => celeryLoad(h, w),
  },
  [COMPONENT.web]: { tools: [TOOLS.gunicorn, TOOLS.python], pythonModules: { flask: "python3-flask" }, run: (h, w) => gunicornLoad(h, w) },
  [COMPONENT.meilisearch]: "no Meilisearch binary here (Debian does not package it): its settings are checked against its documented options only",
  [COMPONENT.playwright]: { tools: [TOOLS.chromium], run: (h, w) => browserLoad(h, w) },
  [COMPONENT.celeryBeat]: "one scheduler process that allocates nothing per task: no load defined",
  [COMPONENT.extra]: "an image of its own, not Debian software: nothing to run here",
};

/** The load of a rendered workload's `rightsize.io/component` annotation; undefined for a kind rightsize does not render. */
export function loadOf(component: string): Load | string | undefined {
  return Object.hasOwn(LOADS, component) ? LOADS[component as ComponentKind] : undefined;
}

/** The rendered workloads, each with its usage account from its component's descriptor. */
export function workloadsOf(objects: readonly K8sObject[], config: StackConfig): RenderedWorkload[] {
  return renderedWorkloads(objects).map((w) => {
    const key = w.object.metadata?.annotations?.[ANNOTATION.configKey];
    const found = key ? workloadByConfigKey(config, key) : stackWorkloads(config).find((x) => x.workload.name === w.name);
    const usage = found?.descriptor.usage?.account(found.workload.config);
    return usage ? { ...w, usage } : w;
  });
}

/** Packages a stack's loads need that are not installed, each once. */
export function missingFor(ws: readonly RenderedWorkload[]): string[] {
  const loads = [...new Set(ws.map((w) => loadOf(w.component)))].filter((l): l is Load => typeof l === "object");
  return [...new Set(loads.flatMap((l) => missingPackages(l.tools, l.pythonModules)))];
}

export interface LimitsReport {
  stack: string;
  cgroup: { version: 1 | 2 };
  workloads: WorkloadReport[];
  /** Every workload that ran survived. */
  survived: boolean;
}

/** Runs each workload's load in turn, in its own group, one at a time. `only`: workload names to run. */
export async function runLimits(stack: string, ws: readonly RenderedWorkload[], only?: readonly string[]): Promise<LimitsReport> {
  const h = createHarness();
  const reports: WorkloadReport[] = [];
  try {
    for (const w of ws) {
      if (only && !only.includes(w.name)) continue;
      const load = loadOf(w.component);
      if (load === undefined) reports.push(skippedReport(w, `no load for component ${w.component}`));
      else if (typeof load === "string") reports.push(skippedReport(w, load));
      else reports.push(await load.run(h, w));
    }
  } finally {
    await h.close();
  }
  return { stack, cgroup: { version: h.hierarchy.version }, workloads: reports, survived: reports.every(survived) };
}
