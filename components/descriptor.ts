// What the rest of the program needs to know about a component, stated once beside it: its kind and
// config key, how its workloads are named, the credentials it requires, the tuning the plan table shows
// and the tuning users rely on, and its usage model. The platform, plan, render, recommend and the crash
// test read descriptors (components/registry.ts) instead of keeping tables keyed by component names.
// Pure: no @pulumi imports, so tools and tests read it without loading the SDK.
import type { StackConfig } from "../config/schema";
import type { ComponentKind } from "../model/annotations";
import type { UsageModel } from "../model/usage";

/** One workload a component renders: its object name, the config key that owns its resources, its config. */
export interface WorkloadOf<C> {
  readonly name: string;
  /** Dotted stack-config path of the workload (`celery.workers.default`); written on the object as an annotation. */
  readonly configKey: string;
  readonly config: C;
}

export interface ComponentDescriptor<C = unknown> {
  /** The `rightsize.io/component` annotation. */
  readonly kind: ComponentKind;
  /** Every workload of this kind the stack config asks for (none when the component is off). */
  workloads(c: StackConfig): WorkloadOf<C>[];
  /** Dotted config paths of the credentials it requires, from the raw `rightsize:` values (before parsing). */
  credentials?(values: Record<string, unknown>): string[];
  /** Tuning keys the plan table shows, in order. */
  readonly headline: readonly string[];
  /** Tuning values whose decrease users feel (fewer workers, smaller buffers): recommend warns about them. */
  readonly reliedOn: readonly string[];
  /** Whether its containers run the app image (web and Celery). */
  readonly runsAppImage?: boolean;
  /** memory = fixed + units x per-unit cost, where the component sizes units from the limit. */
  readonly usage?: UsageModel<C>;
}

/** A descriptor with its config type erased, for lists of every component. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDescriptor = ComponentDescriptor<any>;
