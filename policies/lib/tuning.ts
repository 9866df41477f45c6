// Reading a workload's rightsize.io/tuning annotation in the mandatory policies: a workload that claims a
// component but whose settings cannot be read is a violation, never a pass.
import { ANNOTATION, readTuning } from "../../model/annotations";
import { type K8sObject, describeObject } from "../../model/k8s";

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
