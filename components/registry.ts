// Every component's descriptor, in the order the plan lists their kinds. Adding a workload means its
// schema, its tuning, its component with its descriptor, and one line here.
import type { StackConfig } from "../config/schema";
import type { AnyDescriptor, WorkloadOf } from "./descriptor";
import { CELERY_BEAT, CELERY_WORKER } from "./celery/descriptor";
import { EXTRA } from "./extras/descriptor";
import { MEILISEARCH } from "./meilisearch/descriptor";
import { PLAYWRIGHT } from "./playwright/descriptor";
import { POSTGRES } from "./postgres/descriptor";
import { PGBOUNCER } from "./pgbouncer/descriptor";
import { REDIS } from "./redis/descriptor";
import { WEB } from "./web/descriptor";

export const DESCRIPTORS: readonly AnyDescriptor[] = [WEB, POSTGRES, PGBOUNCER, REDIS, MEILISEARCH, PLAYWRIGHT, CELERY_WORKER, CELERY_BEAT, EXTRA];

/** The descriptor of a `rightsize.io/component` kind; undefined for an object rightsize did not render. */
export function descriptorOf(kind: string | undefined): AnyDescriptor | undefined {
  return DESCRIPTORS.find((d) => d.kind === kind);
}

/** Every workload the stack config asks for, with the descriptor that owns it. */
export function stackWorkloads(c: StackConfig): { descriptor: AnyDescriptor; workload: WorkloadOf<unknown> }[] {
  return DESCRIPTORS.flatMap((descriptor) => descriptor.workloads(c).map((workload) => ({ descriptor, workload })));
}

/** A workload by its config key (`celery.workers.default`), or undefined. */
export function workloadByConfigKey(c: StackConfig, configKey: string): { descriptor: AnyDescriptor; workload: WorkloadOf<unknown> } | undefined {
  return stackWorkloads(c).find((w) => w.workload.configKey === configKey);
}

/** Every credential path the raw `rightsize:` values require, in component order. */
export function credentialPaths(values: Record<string, unknown>): string[] {
  return DESCRIPTORS.flatMap((d) => d.credentials?.(values) ?? []);
}
