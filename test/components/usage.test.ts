// Each component's usage model against its own derivation: the limit limitFor gives is the smallest whose
// derivation yields the units asked for, and account() reads back the units, fixed part and cost in force.
import { describe, expect, it } from "vitest";
import type { AnyDescriptor } from "../../components/descriptor";
import { stackWorkloads } from "../../components/registry";
import { observedPerUnit } from "../../model/usage";
import { bytes, MiB } from "../../model/units";
import { baseValues, set, valid } from "../helpers/stack";

const withLimit = <C extends { resources: { limits: { memory: number } } }>(c: C, memory: number): C => ({
  ...c,
  resources: { ...c.resources, limits: { ...c.resources.limits, memory: bytes(memory) } },
});

function stack() {
  let v = baseValues();
  v = set(v, "celery", { workers: { default: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "8", memory: "2Gi" } } } } });
  v = set(v, "playwright", { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "4", memory: "3Gi" } } });
  v = set(v, "web.resources.limits.cpu", "8");
  return valid(v);
}

describe("usage models", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const modelled = stackWorkloads(stack()).filter((w) => w.descriptor.usage) as { descriptor: AnyDescriptor; workload: { configKey: string; config: any } }[];

  it("cover web, Postgres, the Celery pool, the browser and both Redis roles in this stack", () => {
    expect(modelled.map((w) => w.workload.configKey).sort()).toEqual(["celery.workers.default", "playwright", "postgres", "redis.broker", "web"]);
  });

  it("gunicorn: master 50Mi + workers x 200Mi; 512Mi at 8 cores gives 2 workers", () => {
    const web = modelled.find((w) => w.workload.configKey === "web")!;
    expect(web.descriptor.usage!.account(web.workload.config)).toEqual({ units: 2, fixed: web.workload.config.gunicorn.masterMemory, perUnit: 200 * MiB });
  });

  for (const n of [1, 2, 3, 5]) {
    for (const perUnitMiB of [37, 150, 400]) {
      it(`limitFor gives ${n} units of ${perUnitMiB}Mi exactly at its answer and fewer 1 MiB below, for every modelled workload`, () => {
        for (const { descriptor, workload } of modelled) {
          const u = descriptor.usage!;
          const c = u.perUnitKey ? set(structuredClone(workload.config), u.perUnitKey, bytes(perUnitMiB * MiB)) : workload.config;
          const limit = u.limitFor(c, n, bytes(perUnitMiB * MiB));
          const at = u.account(withLimit(c, limit));
          const below = u.account(withLimit(c, limit - MiB));
          if (u.countKey) {
            // The stack's CPU limits allow more than 5 of each, so memory alone sets the count here.
            expect(at.units, workload.configKey).toBe(n);
            expect(below.units, workload.configKey).toBe(n - 1);
          } else {
            expect(at.perUnit, workload.configKey).toBeGreaterThanOrEqual(perUnitMiB * MiB);
            expect(below.perUnit, workload.configKey).toBeLessThan(perUnitMiB * MiB);
          }
        }
      });
    }
  }

  it("observedPerUnit shares what the peak left after the fixed part, rounded up", () => {
    expect(observedPerUnit({ units: 2, fixed: bytes(50 * MiB), perUnit: bytes(200 * MiB) }, bytes(167 * MiB))).toBe(Math.ceil((117 * MiB) / 2));
    expect(observedPerUnit({ units: 0, fixed: bytes(0), perUnit: bytes(0) }, bytes(MiB))).toBe(0);
    expect(observedPerUnit({ units: 3, fixed: bytes(100 * MiB), perUnit: bytes(MiB) }, bytes(50 * MiB))).toBe(0);
  });
});
