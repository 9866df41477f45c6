// recommend for prod over a 7-day window of 30 s samples, from a local Prometheus (Debian's package)
// backfilled once per bench run, beside `plan prod` in interleaved rounds: recommend is plan for the
// current stack, the queries, and plan again for the proposed stack (in a second process).
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { fetchAnswers, queries } from "../tools/recommend/prometheus";
import { backfill, servePrometheus } from "../test/real/prometheus/server";
import { benchScenario, DAY } from "../test/real/prometheus/scenario";
import { missingPackages, TOOLS } from "../test/real/support";
import { fmtMs, median, run, type Sample, table } from "./measure";

const ROUNDS = Number(process.env.BENCH_RECOMMEND_ROUNDS ?? 3);
const STEP = 30;
const WINDOW = 7 * DAY;

export async function recommendBench(): Promise<void> {
  const missing = missingPackages([TOOLS.prometheus, TOOLS.promtool]);
  if (missing.length > 0) {
    process.stdout.write(`recommend: skipped, missing Debian packages: ${missing.join(" ")}\n\n`);
    return;
  }
  const series = benchScenario("rightsize", WINDOW);
  const data = backfill(series, STEP);
  const prom = await servePrometheus(data.dataDir);
  try {
    const qs = queries("rightsize", WINDOW, 95);
    const queryMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = process.hrtime.bigint();
      await fetchAnswers(prom.url, qs);
      queryMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const commands: [string, string[]][] = [
      ["plan prod", ["-r", "./tools/harness/register.js", "tools/plan/index.ts", "prod", "--placeholder-secrets"]],
      ["recommend prod --window 7d", ["-r", "./tools/harness/register.js", "tools/recommend/index.ts", "prod", "--prometheus", prom.url, "--window", "7d", "--placeholder-secrets"]],
    ];
    for (const [, args] of commands) run(args);
    const samples = commands.map(() => [] as Sample[]);
    for (let i = 0; i < ROUNDS; i++) commands.forEach(([, args], j) => samples[j]!.push(run(args)));
    const planMs = median(samples[0]!.map((s) => s.ms));
    const rows = commands.map(([name], j) => {
      const ms = samples[j]!.map((s) => s.ms);
      return [name, fmtMs(median(ms)), fmtMs(Math.min(...ms)), `${median(samples[j]!.map((s) => s.rssMb)).toFixed(0)} MB`, `${(median(ms) / planMs).toFixed(2)}x`];
    });
    rows.push([`  of which the ${Object.keys(qs).length} queries`, fmtMs(median(queryMs)), fmtMs(Math.min(...queryMs)), "", `${(median(queryMs) / planMs).toFixed(2)}x`]);
    process.stdout.write(
      `recommend against a local Prometheus: ${series.length} containers, 7 days at ${STEP} s = ${(data.samples / 1e6).toFixed(2)}M samples, ` +
        `backfilled once in ${fmtMs(data.ms)} (OpenMetrics + promtool); ${ROUNDS} interleaved rounds (median, min; RSS of the parent process)\n`,
    );
    process.stdout.write(`${table(["command", "wall", "min", "peak RSS", "vs plan"], rows)}\n\n`);
  } finally {
    await prom.stop();
    rmSync(dirname(data.dataDir), { recursive: true, force: true });
  }
}
