// A real Prometheus for the bench and the real-software tests: series backfilled with promtool into a
// fresh TSDB, served on a free loopback port, stopped when done.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, startOnFreePort, type Started, stop, StopWaiting, TOOLS, waitFor } from "../processes";
import { type ContainerSeries, writeOpenMetrics } from "./openmetrics";

export interface RunningPrometheus {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Backfills the series (one sample per `step` seconds) into a new TSDB directory. They end 10 minutes
 * ago: past the 5m lookback, so queries made now and a little later see the same samples at the same
 * 1m-aligned steps (the --usage tests compare both).
 */
export function backfill(series: readonly ContainerSeries[], step: number, end = Math.floor(Date.now() / 1000) - 600): { dataDir: string; samples: number; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), "rightsize-prom-"));
  const file = join(dir, "usage.om");
  const t = Date.now();
  const { samples } = writeOpenMetrics(file, series, end, step);
  const dataDir = join(dir, "data");
  // A week of 30 s samples for a whole stack takes promtool about a minute on a busy 2-core machine.
  const r = spawnSync(TOOLS.promtool.bin, ["tsdb", "create-blocks-from", "openmetrics", "--quiet", file, dataDir], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`promtool create-blocks-from openmetrics failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return { dataDir, samples, ms: Date.now() - t };
}

/** Serves a TSDB directory; `flags` are extra server flags (e.g. a low --query.max-samples). */
export function servePrometheus(dataDir: string, flags: string[] = []): Promise<RunningPrometheus> {
  return startOnFreePort((port) => servePrometheusOn(port, dataDir, flags));
}

async function servePrometheusOn(port: number, dataDir: string, flags: string[]): Promise<RunningPrometheus> {
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
  try {
    await waitFor(() => `Prometheus at ${url}/-/ready:\n${server.output().slice(-2000)}`, 60, async () => {
      // Exited: most likely the port was taken between choosing and binding it; startOnFreePort retries.
      if (server.proc.exitCode !== null) throw new StopWaiting(`prometheus exited ${server.proc.exitCode}: ${server.output().slice(-500)}`);
      const res = await fetch(`${url}/-/ready`).catch(() => undefined);
      return res?.ok ? true : undefined;
    });
  } catch (e) {
    await stop(server);
    throw e;
  }
  return { url, dataDir, stop: () => stop(server) };
}
