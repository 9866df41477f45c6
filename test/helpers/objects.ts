// Finding an object among rendered ones, for every test that reads objects (component tests under
// mocks, policy fixtures, real-software checks on a render).
import type { K8sObject } from "../../model/k8s";

/** The object of that kind and name; a missing one fails naming what there is. Typed loosely: tests read deep fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function find(objects: readonly K8sObject[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(", ")}`);
  return o;
}
