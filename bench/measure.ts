// Timing helpers shared by the bench's sections: a command's wall time and peak RSS, medians, tables.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(__dirname, "..");
const RSS = join(__dirname, "rss.js");

export interface Sample {
  ms: number;
  rssMb: number;
}

export function run(args: string[]): Sample {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-r", RSS, ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const kb = Number(/RIGHTSIZE_BENCH_MAXRSS_KB (\d+)/.exec(r.stderr)?.[1]);
  return { ms, rssMb: kb / 1024 };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const fmtMs = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

