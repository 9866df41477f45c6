// Every rendered object of both stacks against the Kubernetes OpenAPI schema (kubernetes-models'
// per-kind validators), plus a strict pass that fails on any field the schema does not define.
import { describe, expect, it } from "vitest";
import { prepareTypes, unknownFields, validateWithModels } from "./kubernetes-schema";
import { renderStack } from "./support";

describe.each(["dev", "prod"])("the %s stack's rendered objects", (stack) => {
  const r = renderStack(stack);
  // KEDA's kinds have no kubernetes-models validator: keda-schema.test.ts checks them against KEDA's CRDs.
  const objects = (r.objects as { apiVersion: string; kind: string; metadata: { name: string } }[]).filter((o) => !o.apiVersion.startsWith("keda.sh/"));

  it("validate against the Kubernetes schema", async () => {
    expect(objects.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const o of objects) {
      for (const p of await validateWithModels(o)) problems.push(`${o.kind}/${o.metadata.name}: ${p.message}`);
    }
    expect(problems).toEqual([]);
  });

  it("use no field the schema does not define", () => {
    prepareTypes(objects);
    const problems = objects.flatMap((o) => unknownFields(o).map((p) => `${o.kind}/${o.metadata.name}: ${p.path}: ${p.message}`));
    expect(problems).toEqual([]);
  });
});

describe("the strict check", () => {
  it("catches a misspelled or misplaced field that kubernetes-models accepts", async () => {
    const d = structuredClone(renderStack("dev").get("Deployment", "web")) as never as { apiVersion: string; kind: string; spec: any };
    d.spec.template.spec.containers[0].readinessprobe = d.spec.template.spec.containers[0].readinessProbe;
    d.spec.containers = [];
    expect(await validateWithModels(d)).toEqual([]);
    prepareTypes([d]);
    expect(unknownFields(d).map((p) => p.path)).toEqual(["spec.template.spec.containers[0].readinessprobe", "spec.containers"]);
  });
});
