// The probe helper and beat's scheduler are real Python files (components/celery/python/): Debian's
// python3 compiles them, pyflakes finds nothing in them, and the probes behave as the pods need, run
// against a state directory and a broker port of the test's own.
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILES, PROBE_VALUES, PYTHON_DIR, renderBeatScheduler, renderProbes } from "../../components/celery/module";
import { missingPackages, PYTHON, reportMissing, run, TOOLS, unusedPort } from "./support";

const PYFLAKES = { bin: "/usr/bin/pyflakes3", pkg: "pyflakes3" } as const;
const skip = reportMissing("celery python", missingPackages([TOOLS.python, PYFLAKES]));

describe.skipIf(skip)("the Celery pods' Python files", () => {
  const dir = mkdtempSync(join(tmpdir(), "rightsize-celery-python-"));
  const rendered = { [FILES.probes]: renderProbes(), [FILES.beat]: renderBeatScheduler() };
  for (const [name, text] of Object.entries(rendered)) writeFileSync(join(dir, name), text);

  it("ships the files the ConfigMap carries", () => {
    expect(readdirSync(PYTHON_DIR).sort()).toEqual([FILES.beat, FILES.probes].sort());
  });

  it("compile under Debian's python3, as shipped and as rendered", () => {
    for (const d of [PYTHON_DIR, dir]) {
      for (const f of [FILES.probes, FILES.beat]) {
        const r = run(PYTHON, ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", join(d, f)]);
        expect(r.code, `${d}/${f}: ${r.stderr}`).toBe(0);
      }
    }
  });

  it("pyflakes finds nothing in them, as shipped and as rendered", () => {
    const r = run(PYFLAKES.bin, [join(PYTHON_DIR, FILES.probes), join(PYTHON_DIR, FILES.beat), join(dir, FILES.probes), join(dir, FILES.beat)]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("are rendered with rightsize's own paths and broker", () => {
    const probes = rendered[FILES.probes]!;
    expect(probes).toContain(`STATE_DIR = ${JSON.stringify(PROBE_VALUES.STATE_DIR)}\n`);
    expect(probes).toContain(`python3 -S ${PROBE_VALUES.PROBES_PATH} readiness`);
    expect(probes).not.toMatch(/@[A-Z_]+@/);
  });

  describe("the probes, run as the kubelet runs them", () => {
    const state = mkdtempSync(join(tmpdir(), "rightsize-celery-state-"));
    let broker: Server;
    let openPort: number;
    let closedPort: number;
    const script = (port: number) => {
      const file = join(state, `probes-${port}.py`);
      writeFileSync(file, renderProbes({ ...PROBE_VALUES, STATE_DIR: state, BROKER_HOST: "127.0.0.1", BROKER_PORT: port }));
      return file;
    };
    const probe = (port: number, ...args: string[]) => run(PYTHON, ["-S", script(port), ...args]);
    const age = (file: string, seconds: number) => {
      const t = Date.now() / 1000 - seconds;
      utimesSync(join(state, file), t, t);
    };

    beforeAll(async () => {
      // The broker stand-in listens on a port it chose; the closed port is one nothing listens on.
      broker = createServer((s) => s.end());
      await new Promise<void>((ok) => broker.listen(0, "127.0.0.1", ok));
      openPort = (broker.address() as AddressInfo).port;
      closedPort = await unusedPort();
    });
    afterAll(() => new Promise<void>((ok) => broker.close(() => ok())));

    it("readiness fails until the ready file exists, then passes", () => {
      const before = probe(openPort, "readiness");
      expect(before.code).toBe(1);
      expect(before.stdout).toContain(`not ready: ${join(state, "ready")} is missing`);
      writeFileSync(join(state, "ready"), "");
      expect(probe(openPort, "readiness").code).toBe(0);
    });

    it("liveness passes on a fresh heartbeat and fails on a stale one while the broker answers", () => {
      writeFileSync(join(state, "heartbeat"), "");
      expect(probe(openPort, "liveness", "60").code).toBe(0);
      age("heartbeat", 120);
      const stale = probe(openPort, "liveness", "60");
      expect(stale.code).toBe(1);
      expect(stale.stdout).toMatch(/^heartbeat 1[12]\d s old \(limit 60 s\) while the broker answers: the worker is stuck/);
    });

    it("liveness passes on a stale heartbeat while the broker is unreachable (a restart would not help)", () => {
      age("heartbeat", 120);
      const r = probe(closedPort, "liveness", "60");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`but broker 127.0.0.1:${closedPort} is unreachable: waiting for it`);
    });

    it("a wrong call is a usage error, not a pass", () => {
      const r = probe(openPort, "liveliness");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("usage:");
      expect(readFileSync(script(openPort), "utf8")).toContain(`BROKER = ("127.0.0.1", ${openPort})`);
    });
  });
});
