// npm run bench: figures and ratios, all measured in this one run; nothing here is asserted.
// 1. `plan` for dev and prod (wall time, peak RSS) beside the floor, a bare `node` that only loads
//    @pulumi/pulumi; rounds are interleaved so machine load hits all three alike. Target: <= 1.5x.
// 2. `recommend` for prod over 7 days of 30 s samples from a local Prometheus, beside `plan prod`.
// 3. AnalyzeStack on the real pack over gRPC for synthetic stacks of 100, 1,000 and 10,000 workloads,
//    beside the time the pack's stack policies take in-process on the same objects.
//    Target: 10,000 in <= 2 s, and <= 12x the 1,000 time.
import { mkdtempSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import * as sdk from "@pulumi/policy";
import type { StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../policies/all";
import { type AnalyzedResource, analyzeStackEncoded, configure, configureStack, connect, encodeStackRequest, getAnalyzerInfo } from "../tools/harness/analyzer";
import { type RunningPack, startPolicyPack } from "../tools/harness/pack-process";
import { reconcile } from "../tools/harness/policy-config";
import { fmtMs, median, run, type Sample, table } from "./measure";
import { recommendBench } from "./recommend";
import { syntheticStack } from "./synthetic";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? "100,1000,10000").split(",").map(Number);

/**
 * run-policy-pack from spawn to its port: the pack's boot, which plan waits for. `cold` gives ts-node
 * (which run-policy-pack registers for every pack) an empty cache, as on a fresh CI runner: a TypeScript
 * pack type-checks then (about 3 s here), the compiled pack has nothing to compile.
 */
async function packBoot(cold = false): Promise<number> {
  const saved = process.env.TS_NODE_CACHE_DIRECTORY;
  if (cold) process.env.TS_NODE_CACHE_DIRECTORY = mkdtempSync(join(tmpdir(), "rightsize-bench-tsnode-"));
  const t = process.hrtime.bigint();
  const pack = startPolicyPack();
  if (cold) {
    if (saved === undefined) delete process.env.TS_NODE_CACHE_DIRECTORY;
    else process.env.TS_NODE_CACHE_DIRECTORY = saved;
  }
  await pack.ready;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  pack.close();
  return ms;
}

async function planBench(): Promise<void> {
  const commands: [string, string[]][] = [
    ["floor: node loading @pulumi/pulumi", ["-e", 'require("@pulumi/pulumi")']],
    ["plan dev", ["-r", "./tools/harness/register.js", "tools/plan/index.ts", "dev"]],
    ["plan prod", ["-r", "./tools/harness/register.js", "tools/plan/index.ts", "prod", "--placeholder-secrets"]],
  ];
  // One untimed round fills the transpile caches (ours and the CLI's ts-node cache for the pack).
  for (const [, args] of commands) run(args);
  const samples = commands.map(() => [] as Sample[]);
  const boots: number[] = [];
  const coldBoots: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    commands.forEach(([, args], j) => samples[j]!.push(run(args)));
    boots.push(await packBoot());
    coldBoots.push(await packBoot(true));
  }
  const floor = { ms: median(samples[0]!.map((s) => s.ms)), rss: median(samples[0]!.map((s) => s.rssMb)) };
  const rows = commands.map(([name], j) => {
    const ms = samples[j]!.map((s) => s.ms);
    const rss = median(samples[j]!.map((s) => s.rssMb));
    return [name, fmtMs(median(ms)), fmtMs(Math.min(...ms)), `${rss.toFixed(0)} MB`, j === 0 ? "1.00x" : `${(median(ms) / floor.ms).toFixed(2)}x`, j === 0 ? "1.00x" : `${(rss / floor.rss).toFixed(2)}x`];
  });
  rows.splice(
    1,
    0,
    ["pack boot: run-policy-pack to its port", fmtMs(median(boots)), fmtMs(Math.min(...boots)), "", `${(median(boots) / floor.ms).toFixed(2)}x`, ""],
    ["pack boot, empty ts-node cache (fresh CI)", fmtMs(median(coldBoots)), fmtMs(Math.min(...coldBoots)), "", `${(median(coldBoots) / floor.ms).toFixed(2)}x`, ""],
  );
  process.stdout.write(`plan against the floor (${ROUNDS} interleaved rounds; median, min; RSS of the process run, the pack's is below)\n`);
  process.stdout.write(`${table(["command", "wall", "min", "peak RSS", "wall ratio", "RSS ratio"], rows)}\n`);
  process.stdout.write("target: plan wall <= 1.50x the floor\n\n");
}

/** The pack's peak RSS from /proc (Linux); undefined elsewhere. */
function packRssMb(pack: RunningPack): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pack.pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const unknownCheckingProxy = (sdk as unknown as { unknownCheckingProxy<T>(o: T): T }).unknownCheckingProxy;

/** The stack policies over the objects, as the SDK hands them over (a fresh proxied copy per policy). */
async function inProcess(resources: readonly AnalyzedResource[]): Promise<number> {
  const stackPolicies = POLICIES.filter((p): p is StackValidationPolicy => "validateStack" in p);
  const prepared = stackPolicies.map(() =>
    resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unknownCheckingProxy(structuredClone(r.properties)) })),
  );
  const t = process.hrtime.bigint();
  let violations = 0;
  for (const [i, p] of stackPolicies.entries()) {
    const config = p.name === "rightsize-enforce-node-budget" ? { maxPods: 110 } : {};
    await p.validateStack({ resources: prepared[i], getConfig: () => config, stackTags: new Map() } as never, () => violations++);
  }
  if (violations > 0) throw new Error(`the synthetic stack should pass, got ${violations} violation(s)`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** What the pack's gRPC server spends turning the request bytes into messages (the SDK's google-protobuf), alone. */
function decodeMs(bytes: Uint8Array): number {
  const t = process.hrtime.bigint();
  const req = pb.AnalyzeStackRequest.deserializeBinary(bytes);
  for (const r of req.getResourcesList()) r.getProperties().toJavaScript();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function analyzeStackBench(): Promise<void> {
  const pack = startPolicyPack();
  try {
    await pack.ready;
    const call = connect(pack);
    const info = await getAnalyzerInfo(call);
    await configure(call, reconcile(info.policies, info.initialConfig, {}).config);
    await configureStack(call, "bench", "rightsize");
    const rows: string[][] = [];
    const timings = new Map<number, number>();
    for (const n of SIZES) {
      const resources = syntheticStack(n);
      const bytes = encodeStackRequest(resources);
      const ms: number[] = [];
      for (let i = 0; i < (n >= 10000 ? 2 : 3); i++) {
        const t = process.hrtime.bigint();
        const d = await analyzeStackEncoded(pack, bytes);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (d.length > 0) throw new Error(`the synthetic stack should pass, got: ${d[0]!.message}`);
      }
      const local = await inProcess(resources);
      timings.set(n, median(ms));
      rows.push([
        n.toLocaleString("en-US"),
        resources.length.toLocaleString("en-US"),
        `${(bytes.length / 1e6).toFixed(1)} MB`,
        fmtMs(median(ms)),
        fmtMs(decodeMs(bytes)),
        fmtMs(local),
      ]);
    }
    process.stdout.write("AnalyzeStack on the real pack over gRPC (request pre-encoded, as the engine encodes it natively; median)\n");
    process.stdout.write(`${table(["workloads", "resources", "request", "AnalyzeStack", "decode + 1 toJavaScript (SDK)", "stack policies in-process"], rows)}\n`);
    const [k1, k10] = [timings.get(1000), timings.get(10000)];
    if (k1 && k10) process.stdout.write(`10,000 / 1,000: ${(k10 / k1).toFixed(1)}x (target <= 12x); 10,000: ${fmtMs(k10)} (target <= 2 s)\n`);
    const rss = packRssMb(pack);
    process.stdout.write(`pack process peak RSS: ${rss ? `${rss.toFixed(0)} MB` : "n/a (no /proc)"}\n`);
  } finally {
    pack.close();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`rightsize bench: node ${process.version}, ${cpus().length} CPUs\n\n`);
  if (process.env.BENCH_SKIP_PLAN !== "1") await planBench();
  if (process.env.BENCH_SKIP_RECOMMEND !== "1") await recommendBench();
  if (process.env.BENCH_SKIP_ANALYZE !== "1") await analyzeStackBench();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
