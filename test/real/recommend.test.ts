// `npm run recommend` against a real Prometheus (Debian's package): series in cAdvisor's and
// kube-state-metrics' shapes backfilled with promtool, the server started on a free loopback port, and
// every case of issues 11 and 18 run through the real command, which plans the proposed stack with plan's
// code. Series are named as cAdvisor, kube-state-metrics and redis_exporter name them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, runTool, stackDir } from "../helpers/run";
import { backfill, type RunningPrometheus, servePrometheus } from "../../bench/support/prometheus/server";
import { DAY, devWebScenario, leakScenario, ownedScenario, prodScenario, tightScenario } from "../../bench/support/prometheus/scenario";
import { missingPackages, reportMissing, stopAll, TOOLS, unusedPort } from "./support";
import { QUERY_NAMES } from "../../tools/recommend/prometheus";

const skip = reportMissing("recommend against Prometheus", missingPackages([TOOLS.prometheus, TOOLS.promtool]));
const MiB = 1024 ** 2;
const prodYaml = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");

const devYaml = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
/** prod as it ran before PgBouncer: the app straight at Postgres with 240 connections. */
const unpooled = (y: string) => {
  const out = y.replace("    pooler:\n      replicas: 2\n", "    maxConnections: 240\n    pooler:\n      enabled: false\n");
  if (out === y) throw new Error("Pulumi.prod.yaml has no postgres.pooler block to edit");
  return out;
};

/** A folder holding prod's (or dev's) stack file with another namespace (and the same everything else). */
const prodIn = (namespace: string, edit: (y: string) => string = (y) => y, stack: "prod" | "dev" = "prod"): string =>
  stackDir(stack, edit((stack === "prod" ? prodYaml : devYaml).replace(/^  rightsize:namespace: .*$/m, `  rightsize:namespace: ${namespace}`)));

interface Rec {
  workloads: {
    name: string;
    usage: any;
    current: any;
    proposed: any;
    cpu: { action: string; reason: string };
    memory: { action: string; reason: string };
    tuning: { key: string; before: unknown; after: unknown; reduced: boolean }[];
    count?: { key: string; unit: string; before: number; after: number; memoryPerUnitBefore: number; memoryPerUnitAfter: number };
    perUnit?: { key: string; from: string; to: string };
    notes: string[];
  }[];
  unmatched: { pod: string; container: string; reason: string }[];
  mappedBy: string;
  proposed: { violations: { policy: string; enforcementLevel: string }[]; workloads: { name: string; tuning: Record<string, unknown> }[] } | null;
  configErrors: string[];
  trade: string[];
  changes: { path: string; value: string; from?: string }[];
  commands: string[];
  queries: Record<string, string>;
}

const noStackTrace = (s: string) => expect(s).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe.skipIf(skip)("npm run recommend against a real Prometheus", () => {
  let prom: RunningPrometheus;
  let failing: RunningPrometheus;
  let prod: Rec;
  const dataDirs: string[] = [];
  const w = (r: Rec, name: string) => r.workloads.find((x) => x.name === name)!;

  beforeAll(async () => {
    // Two days of 60 s samples for three stories: prod as it is, prod with a small Postgres, and usage
    // that outgrows the budget. One server holds all three namespaces.
    // Then: owner series (rightsize-owned), dev's over-sized web (rightsize-dev), and a week with a leak
    // and sparse samples (rightsize-leak).
    const data = backfill(
      [
        ...prodScenario("rightsize"),
        ...prodScenario("rightsize-small", 2 * DAY, 1600),
        ...tightScenario("rightsize-tight"),
        ...ownedScenario("rightsize-owned"),
        ...devWebScenario("rightsize-dev"),
        ...leakScenario("rightsize-leak"),
      ],
      60,
    );
    dataDirs.push(dirname(data.dataDir));
    prom = await servePrometheus(data.dataDir);
    // A second server, with a sample cap so low that Prometheus refuses the queries with its own error.
    const tiny = backfill(prodScenario("rightsize", 3 * 3600).slice(0, 2), 60);
    dataDirs.push(dirname(tiny.dataDir));
    failing = await servePrometheus(tiny.dataDir, ["--query.max-samples=10"]);
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--json"]);
    // prod ships no credentials, so stderr carries only the placeholder note, never a config problem.
    expect(r.stderr).toMatch(/^Pulumi\.prod\.yaml sets no [^\n]*: placeholders used \(--placeholder-secrets\)/);
    expect(r.stderr).not.toMatch(/problem|invalid|error/i);
    expect(r.code).toBe(0);
    prod = JSON.parse(r.stdout) as Rec;
    // Six namespaces backfilled with promtool take a minute or two on a busy 2-core machine.
  }, 600_000);
  afterAll(async () => {
    await stopAll();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  });

  it("a steady web workload over-provisioned 3x: the per-worker cost is calibrated, the limit comes down, the 3 workers stay", () => {
    const web = w(prod, "web");
    // p95 of a rate between 0.13 and 0.18 cores; the peak is exactly 330Mi (the pod's own cgroup, twice
    // as large, is left out; so are the Job's and the CronJob's pods named after web, at 1.8Gi and 1.5Gi).
    expect(web.usage.cpuCores).toBeGreaterThan(0.15);
    expect(web.usage.cpuCores).toBeLessThanOrEqual(0.2);
    expect(web.usage.memoryPeakBytes).toBe(330 * MiB);
    expect(web.usage.pods).toHaveLength(2);
    expect(web.current).toEqual({ requests: { cpuMillis: 500, memoryBytes: 768 * MiB }, limits: { cpuMillis: 1000, memoryBytes: 1024 * MiB } });
    // (330Mi - 64Mi master) / 3 workers = 88.67Mi, + 15% -> 102Mi; 64Mi + 3 x 102Mi = 370Mi. The CPU
    // request stays: web's HPA scales on CPU utilization, a share of it (KRR leaves it alone too).
    expect(web.proposed).toEqual({ requests: { cpuMillis: 500, memoryBytes: 370 * MiB }, limits: { cpuMillis: 1000, memoryBytes: 370 * MiB } });
    expect(web.perUnit).toEqual({ key: "gunicorn.workerMemory", from: "200Mi", to: "102Mi" });
    expect(web.count).toEqual({ key: "workers", unit: "gunicorn worker", before: 3, after: 3, memoryPerUnitBefore: 320 * MiB, memoryPerUnitAfter: 102 * MiB });
    expect(web.tuning).toEqual([]);
    expect(web.cpu.reason).toMatch(/^request kept at 500m: its HPA scales on CPU utilization/);
    expect(prod.proposed!.workloads.find((x) => x.name === "web")!.tuning.workers).toBe(3);
    expect(prod.commands).toContain("pulumi config set --path web.resources.limits.memory 370Mi -s prod");
    expect(prod.commands).toContain("pulumi config set --path web.gunicorn.workerMemory 102Mi -s prod");
    expect(prod.configErrors).toEqual([]);
  });

  it("a Celery pool OOM-killed at 1Gi: concurrency stays 4, each child's cost goes up, the per-child cap follows", () => {
    const pool = w(prod, "celery-worker-default");
    expect(pool.usage).toMatchObject({ oomKilled: true, oomLimitBytes: 1024 * MiB, restarts: 1, memoryPeakBytes: 1000 * MiB });
    // 1Gi (the limit at the kill, from kube_pod_container_resource_limits) + 25% = 1280Mi; (1280Mi - 100Mi
    // parent) / 4 = 295Mi a child; poolLimitFor(4, 295Mi) = (4 x 295Mi + 100Mi) / 90% -> 1423Mi.
    expect(pool.perUnit).toEqual({ key: "childMemory", from: "200Mi", to: "295Mi" });
    expect(pool.proposed.limits.memoryBytes).toBe(1423 * MiB);
    expect(pool.proposed.requests.memoryBytes).toBe(1423 * MiB);
    expect(pool.memory.reason).toContain("OOM-killed at limit 1Gi, + 25% = 1280Mi -> 295Mi per Celery child -> 4 x Celery child (kept) -> limit 1423Mi");
    expect(pool.count).toMatchObject({ key: "worker_concurrency", before: 4, after: 4 });
    const cap = pool.tuning.find((t) => t.key === "worker_max_memory_per_child")!;
    expect(cap).toEqual({ key: "worker_max_memory_per_child", before: 210329, after: (Math.floor((1423 * 1024 * 90) / 100) - 100 * 1024) / 4 > 0 ? cap.after : -1, reduced: false });
    expect(cap.after as number).toBeGreaterThan(295 * 1024);
    expect(pool.tuning.map((t) => t.key)).not.toContain("worker_concurrency");
  });

  it("the browser service OOM-killed at 3Gi: CONCURRENT stays 4, each session gets the raise", () => {
    const pw = w(prod, "playwright");
    expect(pw.usage).toMatchObject({ oomKilled: true, oomLimitBytes: 3072 * MiB, memoryPeakBytes: 3000 * MiB });
    expect(pw.count).toMatchObject({ key: "CONCURRENT", before: 4, after: 4 });
    expect(pw.perUnit!.key).toBe("sessionMemory");
    expect(pw.perUnit!.from).toBe("512Mi");
    expect(parseInt(pw.perUnit!.to, 10)).toBeGreaterThan(512);
    expect(pw.proposed.limits.memoryBytes).toBeGreaterThanOrEqual(3840 * MiB);
    expect(pw.count!.memoryPerUnitAfter).toBeGreaterThan(pw.count!.memoryPerUnitBefore);
    expect(pw.tuning.map((t) => t.key)).not.toContain("CONCURRENT");
  });

  it("the broker: maxmemory proposed >= the dataset redis_exporter reports (560Mi), through the role's share", () => {
    const broker = w(prod, "redis-broker");
    expect(broker.memory.reason).toContain("dataset 560Mi (redis_memory_used_bytes), maxmemory in force 614Mi, + 15% = 644Mi");
    const maxmemory = prod.proposed!.workloads.find((x) => x.name === "redis-broker")!.tuning.maxmemory as number;
    expect(maxmemory).toBeGreaterThanOrEqual(560 * MiB);
    expect(maxmemory).toBeGreaterThanOrEqual(644 * MiB);
    // The box (700Mi working set + 15% -> 832Mi) would have derived 0.6 x 832Mi = 499Mi, below the dataset.
    expect(broker.proposed.limits.memoryBytes).toBe(1074 * MiB);
  });

  it("Job and CronJob pods named after web are skipped, with the reason", () => {
    expect(prod.mappedBy).toBe("name");
    expect(prod.unmatched.map((u) => u.pod)).toEqual(["legacy-api-5d8f7c9b4-x2k9q", "web-28391234-cpgpk", "web-migrate-z9zpm"]);
    for (const u of prod.unmatched.filter((x) => x.pod.startsWith("web-"))) expect(u.reason).toMatch(/pod-template-hash.*not counted/);
    expect(w(prod, "web").usage.pods.every((p: string) => !p.includes("migrate") && !p.includes("28391234"))).toBe(true);
  });

  it("says what it sees: throttling (with a higher CPU limit), restarts for Error, a stale OOM reason not counted", () => {
    const meili = w(prod, "meilisearch");
    expect(meili.proposed.limits.cpuMillis).toBe(3000);
    expect(meili.cpu.reason).toContain("throttled in 40% of CFS periods at limit 2 -> limit 3");
    expect(meili.notes).toContain("CPU throttled in 40% of CFS periods (a higher CPU limit is proposed)");
    expect(w(prod, "firecrawl-api").notes).toEqual(["restarted in the window (last terminated: Error): not a memory problem; check the logs"]);
    const beat = w(prod, "celery-beat");
    expect(beat.usage.oomKilled).toBe(false);
    expect(beat.notes).toEqual(["an OOMKilled last-terminated reason from before the window (no restart inside it): not counted"]);
    // No raise: 100Mi + 15% -> 128Mi, not 256Mi + 25%.
    expect(beat.proposed.limits.memoryBytes).toBe(128 * MiB);
  });

  it("Postgres behind PgBouncer: a smaller limit passes, and max_connections follows what it holds", () => {
    const pg = w(prod, "postgres");
    // 2200Mi + 15% = 2530Mi -> 2560Mi. The app's 233 connections go through PgBouncer, so the server admits
    // what 2560Mi holds at work_mem 4MB (the pooler): the config check accepts the smaller box.
    expect(pg.memory.action).toBe("set");
    expect(pg.proposed.limits.memoryBytes).toBe(2560 * MiB);
    const mc = pg.tuning.find((t) => t.key === "max_connections")!;
    expect(mc.before).toBe(105);
    expect(mc.after as number).toBeLessThan(105);
    const after = prod.proposed!.workloads.find((x) => x.name === "postgres")!.tuning;
    expect(after.max_connections).toBe(mc.after);
  });

  it("Postgres with the app straight at it: a smaller limit that cannot hold every connection busy is kept, with the validation's reason", () => {
    const dir = prodIn("rightsize", unpooled);
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const pg = w(JSON.parse(r.stdout) as Rec, "postgres");
    // prod's 240 connections, each with its own memory + 4 x work_mem (the per-backend cost measured in a memory cgroup, README "Proof in the real limit"), do not fit
    // 2560Mi: the config check rejects the proposal and 4Gi stays.
    expect(pg.proposed).toEqual(pg.current);
    expect(pg.memory.action).toBe("keep");
    expect(pg.memory.reason).toContain("(240 connections + 8 worker processes) x (backend 3MB + 4 x work_mem 1MB) = 2984MB does not fit limits.memory 2560Mi");
    expect(pg.tuning).toEqual([]);
  });

  it("2 h of history: the current values stay, with the reason", () => {
    const fw = w(prod, "firecrawl-worker");
    // Coverage: the 1m steps whose own minute has a sample.
    expect(fw.usage.historySeconds).toBeGreaterThanOrEqual(2 * 3600 - 60);
    expect(fw.usage.historySeconds).toBeLessThanOrEqual(2 * 3600 + 60);
    expect(fw.proposed).toEqual(fw.current);
    expect(fw.cpu).toEqual({ action: "keep", reason: expect.stringMatching(/^only (1\.9|2|2\.1)h of history, less than the 24h required$/) });
    expect(prod.changes.filter((c) => c.path.startsWith("extras.firecrawl-worker."))).toEqual([]);
  });

  it("a pod no workload owns is reported and ignored; NaN and absent series keep the current values", () => {
    expect(prod.unmatched[0]).toEqual({ pod: "legacy-api-5d8f7c9b4-x2k9q", container: "api", reason: "no Deployment or StatefulSet of the stack owns this pod" });
    expect(prod.workloads.map((x) => x.name)).not.toContain("legacy-api");
    const frontend = w(prod, "frontend");
    expect(frontend.usage.memoryPeakBytes).toBe("NaN");
    expect(frontend.memory).toEqual({ action: "keep", reason: "Prometheus returned NaN for the memory peak" });
    expect(frontend.cpu.action).toBe("set");
    const cache = w(prod, "redis-cache");
    expect(cache.usage).toBeNull();
    expect(cache.cpu.reason).toBe("no data in the window");
    expect(cache.proposed).toEqual(cache.current);
  });

  it("runs a handful of queries, each for every workload at once", () => {
    // The names and their order are the usage file's contract, defined once in prometheus.ts.
    expect(Object.keys(prod.queries)).toEqual([...QUERY_NAMES]);
    for (const [name, q] of Object.entries(prod.queries)) {
      if (name !== "namespaces") expect(q).toContain('namespace="rightsize"');
      expect(q).not.toContain("pod=");
    }
  });

  it("--usage reads /api/v1/query answers captured from the server and gives the same recommendation", async () => {
    const printed = runTool("recommend", ["prod", "--print-queries"]);
    expect(printed.code).toBe(0);
    const qs = JSON.parse(printed.stdout) as Record<string, string>;
    expect(qs).toEqual(prod.queries);
    const captured: Record<string, unknown> = {};
    for (const [name, q] of Object.entries(qs)) {
      const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: q })}`);
      captured[name] = await res.json();
    }
    const file = join(mkdtempSync(join(tmpdir(), "rightsize-usage-")), "usage.json");
    writeFileSync(file, JSON.stringify(captured));
    const r = runTool("recommend", ["prod", "--usage", file, "--json"]);
    expect(r.code).toBe(0);
    const fromFile = JSON.parse(r.stdout) as Rec;
    // The trend line's value "now" moves with the moment of the query (predict_linear at t = 0); the
    // daily points and the slope do not.
    const still = (ws: Rec["workloads"]) => ws.map((x) => (x.usage?.trend ? { ...x, usage: { ...x.usage, trend: { ...x.usage.trend, nowBytes: "moves" } } } : x));
    expect(still(fromFile.workloads)).toEqual(still(prod.workloads));
    expect(fromFile.commands).toEqual(prod.commands);
  });

  it("--usage with empty results (a namespace with no series): exit 4, naming the namespaces that have series", async () => {
    const dir = prodIn("rightsize-empty");
    const printed = runTool("recommend", ["prod", "--print-queries"], dir);
    const captured: Record<string, unknown> = {};
    for (const [name, q] of Object.entries(JSON.parse(printed.stdout) as Record<string, string>)) {
      captured[name] = await (await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: q })}`)).json();
      if (name !== "namespaces") expect((captured[name] as { data: { result: unknown[] } }).data.result).toEqual([]);
    }
    writeFileSync(join(dir, "usage.json"), JSON.stringify(captured));
    const r = runTool("recommend", ["prod", "--usage", "usage.json"], dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      "the usage file usage.json has no container series for namespace rightsize-empty in the window: it has series for namespaces rightsize, rightsize-dev, rightsize-leak, rightsize-owned, rightsize-small, rightsize-tight",
    );
    expect(r.stdout).toBe("");
  });

  it("--prometheus with a namespace that has no series: exit 4 with the namespaces that exist", () => {
    const r = runTool("recommend", ["prod", "--prometheus", prom.url], prodIn("rightsize-nothing"));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Prometheus at ${prom.url} has no container series for namespace rightsize-nothing in the window: it has series for namespaces rightsize, rightsize-dev,`);
    noStackTrace(r.stderr);
  });

  it("bad flags exit 2: a URL without a scheme, --min-history longer than --window", () => {
    const url = runTool("recommend", ["prod", "--prometheus", "not-a-url"]);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--prometheus: "not-a-url" is not a URL; give one such as http://prometheus.monitoring:9090');
    const hist = runTool("recommend", ["prod", "--prometheus", prom.url, "--window", "1d", "--min-history", "2d"]);
    expect(hist.code).toBe(2);
    expect(hist.stderr).toContain("--min-history 2d is longer than --window 1d");
  });

  it("kube_pod_owner decides when present: a Job's pod named like a Deployment's is skipped, web's pods count through their ReplicaSet", () => {
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--json"], prodIn("rightsize-owned"));
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as Rec;
    expect(rec.mappedBy).toBe("kube_pod_owner");
    expect(rec.unmatched).toEqual([
      { pod: "web-bcdfg-xz2k4", container: "web", reason: "owned by Job web-bcdfg (kube_pod_owner), not a Deployment or StatefulSet" },
      { pod: "web-migrate-z9zpm", container: "web", reason: "owned by Job web-migrate (kube_pod_owner), not a Deployment or StatefulSet" },
    ]);
    expect(w(rec, "web").usage.memoryPeakBytes).toBe(330 * MiB);
  });

  it("dev's over-sized web (167Mi peak, 2 workers in 512Mi) comes down by calibrating gunicorn.workerMemory; the config check passes", () => {
    const dir = prodIn("rightsize-dev", (y) => y, "dev");
    const r = runTool("recommend", ["dev", "--prometheus", prom.url, "--json"], dir);
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as Rec;
    const web = w(rec, "web");
    expect(rec.configErrors).toEqual([]);
    // (167Mi - 64Mi) / 2 = 51.5Mi -> + 15% = 60Mi a worker; 64Mi + 2 x 60Mi = 184Mi.
    expect(web.proposed.limits.memoryBytes).toBe(184 * MiB);
    expect(web.perUnit).toEqual({ key: "gunicorn.workerMemory", from: "200Mi", to: "60Mi" });
    expect(web.count).toMatchObject({ key: "workers", before: 2, after: 2 });
    expect(rec.proposed!.workloads.find((x) => x.name === "web")!.tuning.workers).toBe(2);
    expect(rec.changes).toContainEqual({ path: "web.gunicorn.workerMemory", value: "60Mi", from: "200Mi" });
  });

  it("a week-long leak is said with its slope and the day the limit is reached; sparse samples are coverage, not span", () => {
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--json"], prodIn("rightsize-leak"));
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as Rec;
    const pg = w(rec, "postgres");
    const note = pg.notes.find((n) => n.startsWith("memory grows"))!;
    // 1500Mi over 7 days: ~214Mi a day.
    const slope = Number(/rise ([\d.]+)Mi\/day/.exec(note)![1]);
    expect(slope).toBeGreaterThan(200);
    expect(slope).toBeLessThan(230);
    expect(note).toMatch(/reaches the 4Gi limit in [\d.]+ days/);
    const web = w(rec, "web");
    expect(web.usage.spanSeconds).toBeGreaterThan(6 * DAY);
    expect(web.usage.historySeconds).toBeLessThan(6 * 3600);
    expect(web.memory).toEqual({ action: "keep", reason: expect.stringMatching(/^only [\d.]+h of history \(spread over 15\d(\.\d)?h\), less than the 24h required$/) });
  });

  it("--count celery-worker-default=3: the count goes down, said with the memory each child gets before and after", () => {
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--count", "celery-worker-default=3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^  celery-worker-default: worker_concurrency goes DOWN from 4 to 3 \(each Celery child gets 231Mi -> [\d.]+Mi\)$/m);
    const unknown = runTool("recommend", ["prod", "--prometheus", prom.url, "--count", "nope=3"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--count: no workload nope in stack prod");
  });

  it("a proposal that would not fit the budget: exit 1, the node budget fails, it names what to trade, --write refuses", () => {
    const dir = prodIn("rightsize-tight");
    const before = readFileSync(join(dir, "Pulumi.prod.yaml"), "utf8");
    expect(runTool("plan", ["prod"], dir).code).toBe(0);
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--write"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Policies on the proposed stack: 1 MANDATORY violation(s): rightsize-enforce-node-budget on stack prod");
    expect(r.stdout).toMatch(/the proposal does not fit the node budget: rollout peak [\d.]+m? CPU \/ [\d.]+Gi against 11400m \/ 39.8Gi allocatable/);
    // The node-budget policy's sum: requests x (max replicas + rollout surge); the scraping pool
    // autoscales 1..3 in prod (KEDA) and surges 100%, so its growth counts 6 pods.
    expect(r.stdout).toMatch(/it grows \(memory requests x \(max replicas \+ rollout surge\), as the node-budget policy sums them\): celery-worker-scraping \+[\d.]+Gi, playwright \+[\d.]+Gi/);
    expect(r.stdout).toMatch(/to fit, trade: keep the current memory of celery-worker-scraping, playwright[^(]*\(gives back [\d.]+Gi\)/);
    expect(r.stdout).toContain("Not written to Pulumi.prod.yaml: the proposed stack must pass config validation and every mandatory policy.");
    expect(readFileSync(join(dir, "Pulumi.prod.yaml"), "utf8")).toBe(before);
  });

  it("a proposal the config validation rejects keeps that workload's values with the reason; the rest is planned (markdown)", () => {
    // The app straight at Postgres (the pooler would accept the smaller box): its 240 connections reject it.
    const dir = prodIn("rightsize-small", unpooled);
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--markdown"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("### rightsize recommend: `prod` (no mandatory violation");
    const row = r.stdout.split("\n").find((l) => l.startsWith("| postgres |"))!;
    expect(row).toContain("1500m/4Gi (kept)");
    expect(row).toContain("fails the stack's config validation: postgres.resources.limits.memory: shared_buffers 480MB");
    expect(r.stdout).toMatch(/^\| web \| .* \| 500m\/768Mi -> 500m\/370Mi \| 1\/1Gi -> 1\/370Mi \| - \|/m);
  });

  it("--write edits only the lines of the keys it sets; plan then shows the proposal; a rerun on the same data proposes nothing", () => {
    const dir = prodIn("rightsize");
    const before = readFileSync(join(dir, "Pulumi.prod.yaml"), "utf8");
    const r = runTool("recommend", ["prod", "--prometheus", prom.url, "--write", "--json"], dir);
    expect(r.code).toBe(0);
    const first = JSON.parse(r.stdout) as Rec & { written: boolean };
    expect(first.written).toBe(true);
    const text = readFileSync(join(dir, "Pulumi.prod.yaml"), "utf8");
    // Every line but the set ones is the same byte for byte: flow lists, quoting, comments, blank lines.
    const was = before.split("\n");
    const now = text.split("\n");
    const set = new Set(first.changes.map((c) => c.path.split(".").at(-1)!));
    const others = (lines: string[]) => lines.filter((l) => !set.has(l.trim().split(":")[0]!));
    expect(others(now)).toEqual(others(was));
    expect(text).toContain("        queues: [default]\n");
    expect(text).toContain("        queues: [scraping]\n");
    // One added line per key the file did not have (a request that was the limit, a per-unit cost).
    const had = (path: string) => {
      const [top, ...rest] = path.split(".");
      let o: any = (parse(before) as { config: Record<string, unknown> }).config[`rightsize:${top}`];
      for (const k of rest) o = o?.[k];
      return o !== undefined;
    };
    expect(now.length - was.length).toBe(first.changes.filter((c) => !had(c.path)).length);
    expect(text).not.toContain("placeholder-secret-for-");
    const cfg = (parse(text) as { config: Record<string, any> }).config;
    expect(cfg["rightsize:web"].resources).toEqual({ requests: { cpu: "500m", memory: "370Mi" }, limits: { cpu: "1", memory: "370Mi" } });
    expect(cfg["rightsize:web"].gunicorn.workerMemory).toBe("102Mi");
    expect(cfg["rightsize:celery"].workers.default.childMemory).toBe("295Mi");
    expect(cfg["rightsize:postgres"].password).toEqual((parse(prodYaml) as { config: Record<string, any> }).config["rightsize:postgres"].password);
    const plan = JSON.parse(runTool("plan", ["prod", "--json"], dir).stdout);
    const tuning = (name: string) => plan.workloads.find((x: { name: string }) => x.name === name).tuning;
    expect(tuning("web").workers).toBe(3);
    expect(tuning("celery-worker-default").worker_concurrency).toBe(4);
    expect(tuning("playwright").CONCURRENT).toBe(4);
    // Behind PgBouncer, Postgres' box proposal (2560Mi) passes: shared_buffers follows the limit, and the
    // server's connections follow what it holds.
    expect(tuning("postgres").shared_buffers).toBe("640MB");
    // Converges: the same data again proposes no change (the OOM raises start from the limit at the kill).
    const again = runTool("recommend", ["prod", "--prometheus", prom.url, "--json"], dir);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout) as Rec;
    expect(rerun.changes).toEqual([]);
    expect(w(rerun, "celery-worker-default").memory.reason).toContain("OOM-killed at limit 1Gi, + 25% = 1280Mi -> 295Mi per Celery child -> 4 x Celery child (kept) -> limit 1423Mi");
  });

  it("Prometheus down: exit 4 with the URL and the connection error, no stack trace", async () => {
    // A port nothing listens on: the connection is refused.
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const r = runTool("recommend", ["prod", "--prometheus", url]);
    expect(r.code).toBe(4);
    // After the placeholder note for prod's unset credentials, the error is a line of its own.
    expect(r.stderr).toMatch(new RegExp(`^cannot reach Prometheus at ${url}/api/v1/query: connect ECONNREFUSED`, "m"));
    noStackTrace(r.stderr);
    expect(r.stdout).toBe("");
  });

  it("Prometheus answering an error: exit 4 with the URL and Prometheus' own message", () => {
    const r = runTool("recommend", ["prod", "--prometheus", failing.url]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Prometheus at ${failing.url}/api/v1/query answered HTTP 422`);
    expect(r.stderr).toContain("query processing would load too many samples into memory in query execution");
    noStackTrace(r.stderr);
  });
});
