// Reading a workload's rightsize.io/tuning annotation in the mandatory policies: a workload that claims a
// component but whose settings cannot be read is a violation, never a pass.
import type { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";
import { ANNOTATION, readTuning } from "../../model/annotations";
import { componentOf, describeObject, isWorkload, type K8sObject, roleOf } from "../../model/k8s";
import { resourcePolicy } from "./policy";

export function tuningOf(o: K8sObject): { tuning: Record<string, unknown> } | { error: string } {
  const r = readTuning(o);
  if (!r.ok) return { error: `${describeObject(o)}: ${r.error}, so its settings cannot be checked` };
  if (!r.present) return { error: `${describeObject(o)}: has no ${ANNOTATION.tuning} annotation, so its settings cannot be checked` };
  return { tuning: r.tuning };
}

/** A setting as a number (Celery and Redis take numbers or numeric strings); undefined when absent. */
export function numberSetting(t: Record<string, unknown>, key: string): number | undefined | { error: string } {
  const v = t[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : { error: `${key} is ${JSON.stringify(v)}, not a number` };
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
