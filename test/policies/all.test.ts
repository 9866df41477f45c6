// The pack as a whole (policies/all.ts): the compliant baseline passes every policy, the list and levels the
// README gives, one file, one export and one test file per policy under the policy's own name, and a value
// unknown at preview reported by every policy that needed it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../policies/all";
import { evaluate, UNKNOWN } from "../helpers/policy";
import { baseline, changed, main, userWorkload } from "./fixtures";

const ROOT = join(__dirname, "..", "..");
const camel = (name: string) => name.replace(/^rightsize-/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

describe("the compliant baseline", () => {
  it("passes every policy of the pack", async () => {
    expect(await evaluate(baseline())).toEqual([]);
  });

  it("the pack has the policies the README lists, at their levels", () => {
    expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual([
      ["rightsize-enforce-node-budget", "mandatory"],
      ["rightsize-enforce-beat-singleton", "mandatory"],
      ["rightsize-enforce-broker-noeviction", "mandatory"],
      ["rightsize-enforce-celery-memory-fit", "mandatory"],
      ["rightsize-enforce-postgres-memory-fit", "mandatory"],
      ["rightsize-enforce-visibility-timeout", "mandatory"],
      ["rightsize-disallow-added-capabilities", "mandatory"],
      ["rightsize-disallow-host-access", "mandatory"],
      ["rightsize-disallow-literal-secrets", "mandatory"],
      ["rightsize-missing-resources", "advisory"],
      ["rightsize-disallow-requests-over-limits", "advisory"],
      ["rightsize-missing-readiness-probe", "advisory"],
      ["rightsize-missing-liveness-probe", "advisory"],
      ["rightsize-disallow-identical-probes", "advisory"],
      ["rightsize-disallow-unpinned-image", "advisory"],
      ["rightsize-enforce-pod-security", "advisory"],
      ["rightsize-enforce-seccomp", "advisory"],
      ["rightsize-enforce-read-only-root-filesystem", "advisory"],
      ["rightsize-disallow-service-account-token", "advisory"],
      ["rightsize-enforce-memory-emptydir-size", "advisory"],
      ["rightsize-missing-pdb", "advisory"],
      ["rightsize-disallow-blocking-pdb", "advisory"],
      ["rightsize-missing-network-policy", "advisory"],
      ["rightsize-configure-shared-buffers", "advisory"],
      ["rightsize-enforce-postgres-memory-request", "advisory"],
      ["rightsize-configure-redis-shared-role", "advisory"],
    ]);
  });
});

describe("the README's policy table", () => {
  it("lists every policy of the pack once, in the pack's order, at its level", () => {
    const rows = readFileSync(join(ROOT, "README.md"), "utf8")
      .split("\n")
      .flatMap((l) => {
        const m = /^\| `(rightsize-[a-z0-9-]+)` \| (mandatory|advisory) \|/.exec(l);
        return m ? [[m[1], m[2]]] : [];
      });
    expect(rows).toEqual(POLICIES.map((p) => [p.name, p.enforcementLevel]));
  });
});

describe("one policy, one file, one export, one test file, one name", () => {
  for (const p of POLICIES) {
    it(p.name, async () => {
      expect(p.name).toMatch(/^rightsize-(missing|disallow|enforce|configure)-[a-z0-9-]+$/);
      const mod = (await import(`../../policies/${p.name}`)) as Record<string, unknown>;
      expect(mod[camel(p.name)]).toBe(p);
      expect(existsSync(join(ROOT, "test", "policies", `${p.name}.test.ts`))).toBe(true);
    });
  }

  it("every policy file is in the pack", () => {
    const files = readdirSync(join(ROOT, "policies")).filter((f) => /^rightsize-.*\.ts$/.test(f));
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(POLICIES.map((p) => p.name).sort());
  });
});

describe("values unknown at preview are reported, never passed", () => {
  it("an unknown memory limit keeps the node budget unproven, at the mandatory level", async () => {
    const objects = changed("Deployment", "web", (o) => (main(o).resources.limits.memory = UNKNOWN));
    const at = ".spec.template.spec.containers.0.resources.limits.memory";
    const unknown = `Deployment web: cannot be checked at preview: string value at ${at} can't be known during preview`;
    expect(await evaluate(objects)).toEqual([
      { policy: "rightsize-enforce-node-budget", level: "mandatory", resource: "stack", message: `The node budget is not proven: 1 object could not be counted: ${unknown}` },
      { policy: "rightsize-missing-resources", level: "advisory", resource: "Deployment/web", message: unknown },
      { policy: "rightsize-disallow-requests-over-limits", level: "advisory", resource: "Deployment/web", message: unknown },
    ]);
  });
});

describe("a user's workloads of the other kinds", () => {
  it("the compliant Job, CronJob, DaemonSet and Pod pass every policy beside the baseline", async () => {
    for (const kind of ["Job", "CronJob", "DaemonSet", "Pod"] as const) expect(await evaluate([...baseline(), userWorkload(kind, "report")])).toEqual([]);
  });
});
