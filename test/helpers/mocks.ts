// Builds components under Pulumi mocks and returns the Kubernetes objects they registered.
import { drain, installMocks, type Registered, sortRegistered } from "../../tools/harness/program";
import type { K8sObject } from "../../model/k8s";

let registered: Registered[] | undefined;

/** Call once per test file, before building anything. */
export function useMocks(stack = "test"): void {
  registered = installMocks(stack);
}

/** Runs `build`, waits for every registration, and returns the objects it added. */
export async function collect(build: () => unknown): Promise<{ objects: K8sObject[]; resources: Registered[] }> {
  if (!registered) throw new Error("call useMocks() first");
  const before = registered.length;
  build();
  await drain();
  const resources = sortRegistered(registered.slice(before));
  return { resources, objects: resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind).map((r) => r.inputs) };
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(", ")}`);
  return o;
}
