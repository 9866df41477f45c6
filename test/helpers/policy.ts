// Runs the pack's real policy objects in-process the way the SDK's server does: props behind the SDK's
// unknown-checking proxy, resource policies per object, stack policies over every object, config through
// getConfig. The gRPC path is tested separately (test/tools/analyzer.test.ts).
import * as sdk from "@pulumi/policy";
import { expect, it } from "vitest";
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policies/all";
import type { K8sObject } from "../../model/k8s";

const unknownCheckingProxy = (sdk as unknown as { unknownCheckingProxy<T>(o: T): T }).unknownCheckingProxy;

/** The sentinel the CLI sends for a value unknown at preview (the SDK's unknown string). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Finding {
  policy: string;
  level: string;
  resource: string;
  message: string;
}

/** The Pulumi type token of a Kubernetes object, e.g. kubernetes:apps/v1:Deployment. */
export function typeOf(o: K8sObject): string {
  const api = o.apiVersion ?? "v1";
  return `kubernetes:${api.includes("/") ? api : `core/${api}`}:${o.kind}`;
}

const urnOf = (o: K8sObject) => `urn:pulumi:test::rightsize::${typeOf(o)}::${o.metadata?.name}`;

function isStack(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** Every violation the pack's policies report for the objects, config keyed by policy name. */
export async function evaluate(objects: readonly K8sObject[], config: Record<string, Record<string, unknown>> = {}, only?: string): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const p of POLICIES) {
    if (only && p.name !== only) continue;
    const level = p.enforcementLevel ?? "advisory";
    const getConfig = <T>() => (config[p.name] ?? {}) as T;
    if (isStack(p)) {
      const resources = objects.map((o) => ({ type: typeOf(o), name: o.metadata?.name ?? "", urn: urnOf(o), props: unknownCheckingProxy(structuredClone(o)) }));
      await p.validateStack({ resources, getConfig, stackTags: new Map(), notApplicable: () => undefined as never } as never, (message, urn) =>
        out.push({ policy: p.name, level, resource: urn ? `${urn.split("::")[2]!.split(":").pop()}/${urn.split("::")[3]}` : "stack", message: message ?? "" }),
      );
    } else {
      const rp = p as ResourceValidationPolicy;
      for (const o of objects) {
        const args = { type: typeOf(o), name: o.metadata?.name ?? "", urn: urnOf(o), props: unknownCheckingProxy(structuredClone(o)), getConfig, opts: {}, stackTags: new Map() };
        const validations = Array.isArray(rp.validateResource) ? rp.validateResource : [rp.validateResource!];
        for (const v of validations) {
          await v(args as never, (message) => out.push({ policy: p.name, level, resource: `${o.kind}/${o.metadata?.name}`, message: message ?? "" }));
        }
      }
    }
  }
  return out;
}

/** Only the messages, for exact assertions. */
export async function messages(objects: readonly K8sObject[], only?: string, config: Record<string, Record<string, unknown>> = {}): Promise<string[]> {
  return (await evaluate(objects, config, only)).map((f) => f.message);
}

/** Exactly one finding, as a case expects it. */
export const one = (policy: string, level: string, resource: string, message: string): Finding[] => [{ policy, level, resource, message }];

/** A one-change case: what changed, the objects with the change, every finding the whole pack reports. */
export type Case = [string, () => K8sObject[], Finding[]];

/** Each case through every policy of the pack: the change gets exactly the findings expected, no others. */
export function eachCase(cases: readonly Case[]): void {
  for (const [what, objects, expected] of cases) {
    it(what, async () => {
      expect(await evaluate(objects())).toEqual(expected);
    });
  }
}
