// KEDA autoscaling through plan, as a user runs it: prod's scraping pool at 1..3 fits; the same stack
// with a ScaledObject max past the budget exits 1 naming the ScaledObject; a bad autoscaling key exits 2.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runTool } from "../helpers/run";

const prodYaml = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");

function variant(name: string, edits: [string, string][]): string {
  let text = prodYaml;
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const dir = mkdtempSync(join(tmpdir(), "rightsize-keda-"));
  writeFileSync(join(dir, `Pulumi.${name}.yaml`), text);
  return dir;
}

describe("plan with a KEDA-scaled pool", () => {
  it("prod: the scraping pool shows 1..3 and the totals count it at 3, with a full surge", () => {
    const p = JSON.parse(runTool("plan", ["prod", "--json"]).stdout);
    const w = p.workloads.find((x: { name: string }) => x.name === "celery-worker-scraping");
    expect([w.replicas, w.maxReplicas, w.scaler]).toEqual([1, 3, "ScaledObject/celery-worker-scraping"]);
    expect(p.violations).toEqual([]);
    const text = runTool("plan", ["prod"]).stdout;
    expect(text).toMatch(/^celery-worker-scraping\s+Deployment\s+1\.\.3\s+300m \/ 1Gi/m);
  });

  it("exits 1 when the ScaledObject's maxReplicaCount overflows the budget, naming it and the max that fits", () => {
    // More Postgres connections too, so that only the budget is wrong with the stack.
    const dir = variant("prodbig", [
      ["          maxReplicas: 3\n", "          maxReplicas: 8\n"],
      // 396 connections, each costing its own memory + 4 x work_mem: 6Gi holds them.
      ["    maxConnections: 240\n", "    maxConnections: 400\n"],
      ["        memory: 4Gi\n    storage:\n      size: 100Gi\n", "        memory: 6Gi\n    storage:\n      size: 100Gi\n"],
    ]);
    const r = runTool("plan", ["prodbig", "--json"], dir);
    // prod ships no credentials, so stderr carries only the placeholder note, never a config problem.
    expect(r.stderr).toMatch(/^Pulumi\.prodbig\.yaml sets no [^\n]*: placeholders used \(--placeholder-secrets\)/);
    expect(r.stderr).not.toMatch(/problem|invalid|error/i);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout).violations.filter((x: { enforcementLevel: string }) => x.enforcementLevel === "mandatory");
    expect(v.map((x: { policy: string; resource: string }) => `${x.policy} ${x.resource}`)).toEqual([
      "rightsize-enforce-node-budget ScaledObject/celery-worker-scraping",
      "rightsize-enforce-node-budget stack prodbig",
    ]);
    expect(v[0].message).toBe(
      "ScaledObject celery-worker-scraping: maxReplicaCount 8 lets Deployment celery-worker-scraping run 8 pods (+8 during a rollout) of 300m CPU / 1Gi, " +
        "and at that max the stack does not fit its node budget (see the stack's finding); at most maxReplicaCount 3 fits.",
    );
    // The 2 more Gi Postgres needs for 400 connections tip the memory over too.
    expect(v[1].message).toContain("Over by 2700m CPU and 640Mi memory at the rollout peak.");
  });

  it("exits 2 naming the key when the default queue's pool would scale to zero under beat", () => {
    const dir = variant("prodzero", [["        queues: [default]\n        replicas: 2\n", "        queues: [default]\n        autoscaling:\n          minReplicas: 0\n          maxReplicas: 2\n"]]);
    const r = runTool("plan", ["prodzero"], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('  celery.workers.default.autoscaling.minReplicas: scales the pool that consumes celery.defaultQueue "default" to zero while beat is enabled');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
