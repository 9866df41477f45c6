// Builds CrossGuard policies from checks over Kubernetes objects, so every policy treats unknown values
// and unreadable quantities the same way: as a violation at the policy's own level that says what could
// not be checked, never as a pass (the SDK alone would downgrade it to advisory).
import * as sdk from "@pulumi/policy";
import type { EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { QuantityError } from "../../model/quantity";
import type { K8sObject } from "../../model/k8s";
import { componentOf, containersOf, describeObject, isWorkload, podSpecOf, roleOf } from "../../model/k8s";
import { addHpa, type HpaIndex } from "../../model/reservations";
import { tuningOf } from "./tuning";

// The SDK throws this when a policy reads a value that is unknown during preview. It is exported at run
// time, but its typings leave it out.
const UnknownValueError = (sdk as unknown as { UnknownValueError: new (...a: never[]) => Error }).UnknownValueError;

function safeDescribe(o: K8sObject, fallback: string): string {
  try {
    return describeObject(o);
  } catch {
    return fallback;
  }
}

/** Runs a check; an unknown value or a bad quantity becomes one message naming the object and the value. */
export function guarded(o: K8sObject, fallbackName: string, fn: () => string[]): string[] {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UnknownValueError) return [`${safeDescribe(o, fallbackName)}: cannot be checked at preview: ${e.message}`];
    if (e instanceof QuantityError) return [`${safeDescribe(o, fallbackName)}: cannot be checked: ${e.message}`];
    throw e;
  }
}

export interface ResourceCheck {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** The objects the check reads (by kind, annotations); the rest are skipped. */
  applies(o: K8sObject): boolean;
  /** One message per violation; each names the object, the container and the numbers. */
  check(o: K8sObject): string[];
}

export const isKubernetesType = (type: string): boolean => type.startsWith("kubernetes:") && !type.startsWith("kubernetes:yaml") && !type.startsWith("kubernetes:helm");

export function resourcePolicy(c: ResourceCheck): ResourceValidationPolicy {
  return {
    name: c.name,
    description: c.description,
    enforcementLevel: c.enforcementLevel,
    validateResource: (args, report) => {
      if (!isKubernetesType(args.type)) return;
      const o = args.props as K8sObject;
      for (const m of guarded(o, args.name, () => (c.applies(o) ? c.check(o) : []))) report(m);
    },
  };
}

export interface WorkloadCheck {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** Findings about the pod as a whole (`spec` is {} when there is none), each said after "<Kind> <name>: ". */
  pod?(spec: any, o: K8sObject): string[];
  /**
   * Findings about one container, init containers first, each said after "<Kind> <name>: <container>: ";
   * `spec` is the pod's, for what a pod-level field sets for every container.
   */
  container?(c: any, spec: any): string[];
}

/**
 * A check over every workload's pod and each of its containers. Every message starts with the object and,
 * for a container's, the container, so the policies name them alike; the pod's come before the containers'.
 */
export function workloadPolicy(w: WorkloadCheck): ResourceValidationPolicy {
  return resourcePolicy({
    name: w.name,
    description: w.description,
    enforcementLevel: w.enforcementLevel,
    applies: isWorkload,
    check: (o) => {
      const spec = podSpecOf(o) ?? {};
      const ofPod = (w.pod?.(spec, o) ?? []).map((m) => `${describeObject(o)}: ${m}`);
      const ofContainers = w.container ? containersOf(o).flatMap(({ c, label }) => w.container!(c, spec).map((m) => `${describeObject(o)}: ${label}: ${m}`)) : [];
      return [...ofPod, ...ofContainers];
    },
  });
}

export interface TuningCheck {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** The workloads it reads: those annotated with this component (and, for Redis, this role). */
  component: string;
  role?: string;
  /** One message per violation, from the workload's settings as its tuning annotation states them; each is said after "<Kind> <name>: ". */
  check(tuning: Record<string, unknown>, o: K8sObject): string[];
}

/** A check over one component's settings; a workload of it whose settings cannot be read fails it. */
export function tuningPolicy(c: TuningCheck): ResourceValidationPolicy {
  return resourcePolicy({
    name: c.name,
    description: c.description,
    enforcementLevel: c.enforcementLevel,
    applies: (o) => isWorkload(o) && componentOf(o) === c.component && (c.role === undefined || roleOf(o) === c.role),
    check: (o) => {
      const t = tuningOf(o);
      return "error" in t ? [t.error] : c.check(t.tuning, o).map((m) => `${describeObject(o)}: ${m}`);
    },
  });
}

export interface StackObject {
  urn: string;
  name: string;
  object: K8sObject;
}

export interface StackFinding {
  message: string;
  /** The resource it is about; none for the stack as a whole. */
  urn?: string;
}

export interface StackPolicySpec {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  check(objects: readonly StackObject[], config: Record<string, unknown>): StackFinding[];
}

/** Runs `fn` on each object under `guarded`; what it returns, or what could not be read, is about that object. */
export function guardedEach(objects: readonly StackObject[], fn: (o: K8sObject, entry: StackObject) => string[]): StackFinding[] {
  return objects.flatMap((entry) => guarded(entry.object, entry.name, () => fn(entry.object, entry)).map((message) => ({ message, urn: entry.urn })));
}

/** The stack's HPAs and KEDA ScaledObjects by target, and a finding for each one that could not be read. */
export function scalersOf(objects: readonly StackObject[]): { hpas: HpaIndex; findings: StackFinding[] } {
  const hpas: HpaIndex = new Map();
  return { hpas, findings: guardedEach(objects, (o) => (addHpa(hpas, o), [])) };
}

export function stackPolicy(c: StackPolicySpec): StackValidationPolicy {
  return {
    name: c.name,
    description: c.description,
    enforcementLevel: c.enforcementLevel,
    ...(c.configSchema ? { configSchema: c.configSchema } : {}),
    validateStack: (args, report) => {
      const objects: StackObject[] = [];
      for (const r of args.resources) {
        if (!isKubernetesType(r.type)) continue;
        const o = r.props as K8sObject;
        // An object whose kind is unknown cannot be sorted into any check: say so rather than skip it.
        const unreadable = guarded(o, `${r.type} ${r.name}`, () => (typeof o.kind === "string" ? (objects.push({ urn: r.urn, name: r.name, object: o }), []) : []));
        for (const m of unreadable) report(m, r.urn);
      }
      for (const f of c.check(objects, args.getConfig<Record<string, unknown>>())) report(f.message, f.urn);
    },
  };
}
