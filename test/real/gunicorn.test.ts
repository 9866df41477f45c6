// The rendered gunicorn.conf.py, served by Debian's gunicorn with a tiny Flask app.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childPids, configMapFile, missingPackages, PYTHON, renderStack, reportMissing, run, start, stop, stopAll, TOOLS, waitFor } from "./support";

const FIXTURES = join(__dirname, "fixtures");
const skip = reportMissing("gunicorn checks", missingPackages([TOOLS.gunicorn, TOOLS.python], { flask: "python3-flask", gunicorn: "gunicorn" }));

/** The settings gunicorn itself knows; a misspelled name in a config file is silently ignored. */
function knownSettings(): Set<string> {
  const r = run(PYTHON, ["-c", "import gunicorn.config as c; print('\\n'.join(s.name for s in c.KNOWN_SETTINGS))"]);
  expect(r.code).toBe(0);
  return new Set(r.stdout.trim().split("\n"));
}

function assignments(conf: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of conf.split("\n")) {
    const a = /^([a-z_]+) = (.*)$/.exec(line);
    if (a) m.set(a[1]!, a[2]!);
  }
  return m;
}

/** `gunicorn --print-config` lines: `name = value`, values as gunicorn resolved them. */
function printed(conf: string): Map<string, string> {
  const r = run(TOOLS.gunicorn.bin, ["--print-config", "-c", conf], { cwd: FIXTURES });
  expect(r.code, r.stderr).toBe(0);
  const m = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const a = /^(\w+)\s+= (.*)$/.exec(line);
    if (a) m.set(a[1]!, a[2]!.trim());
  }
  return m;
}

async function get(url: string, timeoutSeconds: number): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(skip).each(["dev", "prod"])("gunicorn with the %s stack's config", (stack) => {
  afterAll(stopAll);
  const r = renderStack(stack);
  const conf = configMapFile(r.get("ConfigMap", "web-gunicorn"), "gunicorn.conf.py");
  const deployment = r.get("Deployment", "web");
  const container = deployment.spec.template.spec.containers[0];
  const tuning = JSON.parse(deployment.metadata!.annotations!["rightsize.io/tuning"]!);
  const dir = mkdtempSync(join(tmpdir(), "rightsize-gunicorn-"));
  const confPath = join(dir, "gunicorn.conf.py");
  writeFileSync(confPath, conf);

  it("uses only setting names gunicorn knows", () => {
    const known = knownSettings();
    const names = [...assignments(conf).keys()];
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it("passes --check-config", () => {
    const c = run(TOOLS.gunicorn.bin, ["--check-config", "-c", confPath], { cwd: FIXTURES });
    expect(c.code, c.stderr + c.stdout).toBe(0);
  });

  it("reads back every rendered setting with the rendered value", () => {
    const p = printed(confPath);
    expect(p.get("workers")).toBe(String(tuning.workers));
    expect(p.get("timeout")).toBe(String(tuning.timeout));
    expect(p.get("graceful_timeout")).toBe(String(tuning.graceful_timeout));
    expect(p.get("max_requests")).toBe(String(tuning.max_requests));
    expect(p.get("max_requests_jitter")).toBe(String(tuning.max_requests_jitter));
    expect(p.get("preload_app")).toBe(tuning.preload_app ? "True" : "False");
    expect(p.get("worker_tmp_dir")).toBe(tuning.worker_tmp_dir);
    expect(p.get("bind")).toBe(`['${tuning.bind}']`);
    expect(p.get("wsgi_app")).toBe(tuning.wsgi_app);
  });

  it("serves the probe paths on the configured port within the probes' timeouts, with the rendered worker count", async () => {
    const port = Number(String(tuning.bind).split(":").at(-1));
    expect(port).toBe(container.ports[0].containerPort);
    const g = start(TOOLS.gunicorn.bin, ["-c", confPath], { cwd: FIXTURES });
    try {
      const startup = container.startupProbe;
      const budget = startup.periodSeconds * startup.failureThreshold;
      const base = `http://127.0.0.1:${port}`;
      await waitFor(() => `gunicorn on ${base}${startup.httpGet.path} (${g.output()})`, budget, async () =>
        (await get(`${base}${startup.httpGet.path}`, startup.timeoutSeconds)) === 200 ? true : undefined,
      );
      expect(await get(`${base}${container.readinessProbe.httpGet.path}`, container.readinessProbe.timeoutSeconds)).toBe(200);
      expect(await get(`${base}${container.livenessProbe.httpGet.path}`, container.livenessProbe.timeoutSeconds)).toBe(200);
      const workers = await waitFor("all workers to boot", 30, () => (childPids(g.proc.pid!).length === tuning.workers ? childPids(g.proc.pid!) : undefined));
      expect(workers).toHaveLength(tuning.workers);
    } finally {
      await stop(g);
    }
  });
});
