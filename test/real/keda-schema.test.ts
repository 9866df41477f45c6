// The prod stack's rendered KEDA objects against the vendored CRD schemas (KEDA 2.16.1's ScaledObject),
// strictly: a field the CRD does not define fails, as with the built-in kinds.
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../model/k8s";
import { problems, KEDA_SCHEMAS, validateKeda } from "./keda-schema";
import { renderStack } from "./support";

const shown = (o: K8sObject) => validateKeda(o).map((p) => `${p.path}: ${p.message}`);

describe("the prod stack's KEDA objects", () => {
  const r = renderStack("prod");
  const keda = r.objects.filter((o) => String(o.apiVersion).startsWith("keda.sh/"));

  it("are the scraping pool's ScaledObject and the broker's TriggerAuthentication", () => {
    expect(keda.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(["ScaledObject/celery-worker-scraping", "TriggerAuthentication/celery-broker-auth"]);
  });

  it("validate against KEDA's CRD schema, with no field it does not define", () => {
    expect(keda.flatMap((o) => shown(o).map((p) => `${o.kind}/${o.metadata?.name}: ${p}`))).toEqual([]);
  });
});

describe("the strict check", () => {
  const so = () => structuredClone(renderStack("prod").get("ScaledObject", "celery-worker-scraping")) as K8sObject & { spec: any };

  it("catches a misplaced field, a missing required one, a wrong type and a bound past the HPA's", () => {
    const o = so();
    o.spec.triggers[0].listName = "scraping"; // belongs under metadata
    o.spec.listLength = 8; // a trigger's, not the ScaledObject's
    delete o.spec.scaleTargetRef.name;
    o.spec.triggers[1].metadata.listLength = 8; // trigger metadata values are strings
    o.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds = 3601;
    expect(shown(o).sort()).toEqual(
      [
        "spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds: must be at most 3600, got 3601",
        "spec.listLength: unknown field: the CRD schema does not define it",
        "spec.scaleTargetRef.name: is required",
        "spec.triggers[0].listName: unknown field: the CRD schema does not define it",
        "spec.triggers[1].metadata.listLength: must be string, got integer",
      ].sort(),
    );
  });

  it("leaves metadata to ObjectMeta's own rules, as the CRD does", () => {
    expect(problems({ spec: { scaleTargetRef: { name: "x" }, triggers: [] }, metadata: { anything: 1 } }, KEDA_SCHEMAS.ScaledObject!)).toEqual([]);
  });
});
