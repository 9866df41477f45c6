// A real Prometheus for the tests and the bench: series backfilled with promtool into a fresh TSDB,
// served on a free loopback port, stopped when done.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run, start, type Started, stop, TOOLS, waitFor } from "../support";
import { type ContainerSeries, writeOpenMetrics } from "./openmetrics";

export interface RunningPrometheus {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Backfills the series (ending now, one sample per `step` seconds) into a new TSDB directory. */
export function backfill(series: readonly ContainerSeries[], step: number, end = Math.floor(Date.now() / 1000) - 30): { dataDir: string; samples: number; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), "rightsize-prom-"));
  const file = join(dir, "usage.om");
  const t = Date.now();
  const { samples } = writeOpenMetrics(file, series, end, step);
  const dataDir = join(dir, "data");
  const r = run(TOOLS.promtool.bin, ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, dataDir], {});
  if (r.code !== 0) throw new Error(`promtool create-blocks-from openmetrics failed (${r.code}): ${r.stderr || r.stdout}`);
  return { dataDir, samples, ms: Date.now() - t };
}

/** Serves a TSDB directory; `flags` are extra server flags (e.g. a low --query.max-samples). */
export async function servePrometheus(dataDir: string, flags: string[] = []): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = join(dataDir, "..", `prometheus-${port}.yml`);
  // No scrape jobs: the backfilled blocks are all it serves.
  writeFileSync(config, "global: {}\n");
  const url = `http://127.0.0.1:${port}`;
  const server: Started = start(TOOLS.prometheus.bin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    "--storage.tsdb.retention.time=30d",
    `--web.listen-address=127.0.0.1:${port}`,
    ...flags,
  ]);
  await waitFor(() => `Prometheus at ${url}/-/ready:\n${server.output().slice(-2000)}`, 60, async () => {
    if (server.proc.exitCode !== null) throw new Error(`prometheus exited ${server.proc.exitCode}`);
    const res = await fetch(`${url}/-/ready`).catch(() => undefined);
    return res?.ok ? true : undefined;
  });
  return { url, dataDir, stop: () => stop(server) };
}
