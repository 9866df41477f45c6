// `npm run limits -- dev|prod --json`: every workload whose software is here survives its worst case in a
// cgroup of its rendered limit (0 OOM kills, healthy); the others say why they did not run.
import { beforeAll, describe, expect, it } from "vitest";
import type { LimitsReport } from "../../tools/limits/run";
import { requireLimitsHost, runLimitsCommand } from "./support";

beforeAll(requireLimitsHost);

describe.each(["dev", "prod"])("npm run limits -- %s", (stack) => {
  it("exits 0 with every available workload loaded, 0 OOM kills and healthy", () => {
    const r = runLimitsCommand([stack, "--json"]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(0);
    const report = JSON.parse(r.stdout) as LimitsReport;
    const ran = report.workloads.filter((w) => !w.skipped);
    expect(ran.map((w) => w.component).sort()).toEqual(expect.arrayContaining(["celery-worker", "playwright", "postgres", "redis", "web"]));
    for (const w of ran) {
      expect({ name: w.name, oomKills: w.oomKills, problems: w.problems }).toEqual({ name: w.name, oomKills: 0, problems: [] });
      expect(w.healthy).toBe(true);
    }
    expect(report.workloads.find((w) => w.component === "meilisearch")?.skipped).toMatch(/no Meilisearch binary/);
    // Every derived session had its page open and answering at once.
    const browser = ran.find((w) => w.component === "playwright")!;
    expect(browser.measured.pages_answered).toBe(browser.settings.CONCURRENT);
    expect(browser.settings.CONCURRENT).toBeGreaterThan(0);
  });
});

describe("npm run limits arguments", () => {
  it("exits 2 on a missing stack name and on an unknown workload", () => {
    expect(runLimitsCommand([]).code).toBe(2);
    const r = runLimitsCommand(["dev", "--only", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("renders no workload nope");
  });
});
