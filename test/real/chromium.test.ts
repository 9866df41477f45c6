// The browser service's flags, given to Debian's Chromium binary (not its /usr/bin/chromium shell
// wrapper) through playwright-core: a page loads from a local server, media stays blocked, and the heap
// limits read back from the browser and from Node match the rendered values.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingPackages, renderStack, reportMissing, run, TOOLS } from "./support";

const skip = reportMissing("Chromium checks", missingPackages([TOOLS.chromium]));
const MiB = 1024 * 1024;

// Flags this machine needs and the service's image does not: headless, and no calls to Google's hosts on a
// closed network. The service's own flags come from the rendered tuning.
const SANDBOX_FLAGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** --max-old-space-size=N in MiB from a flag list or an option string. */
function oldSpaceMiB(flags: string): number {
  const m = /--max-old-space-size=(\d+)/.exec(flags);
  if (!m) throw new Error(`no --max-old-space-size in ${flags}`);
  return Number(m[1]);
}

/**
 * V8's heap limit is the old space plus the young generation and other spaces, which V8 sizes on its own:
 * at least the old space, and no more than `slackMiB` above it. Measured here: Chromium reports about
 * old + 100-120 MiB (3.5 GiB with no flag at all), Node old + 16-48 MiB.
 */
function expectHeapLimit(limitBytes: number, oldSpace: number, slackMiB: number): void {
  expect(limitBytes).toBeGreaterThanOrEqual(oldSpace * MiB);
  expect(limitBytes).toBeLessThan((oldSpace + slackMiB) * MiB);
}

describe.skipIf(skip).each(["dev", "prod"])("Chromium with the %s stack's browser service flags", (stack) => {
  const deployment = renderStack(stack).get("Deployment", "playwright");
  const tuning = JSON.parse(deployment.metadata!.annotations!["rightsize.io/tuning"]!) as { args: string[]; NODE_OPTIONS: string };
  let server: Server;
  let base = "";
  let imageRequests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/pixel.png") {
        imageRequests++;
        res.writeHead(200, { "content-type": "image/png" });
        // a 1x1 transparent PNG
        res.end(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"));
        return;
      }
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><title>rightsize check</title><h1 id="h">loaded</h1><img id="img" src="/pixel.png">');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("launches with the rendered flags, loads a page, blocks images and caps the page heap", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: TOOLS.chromium.bin, headless: true, args: [...tuning.args, ...SANDBOX_FLAGS] });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`, { waitUntil: "load", timeout: 30_000 });
      expect(await page.textContent("#h")).toBe("loaded");
      if (tuning.args.includes("--blink-settings=imagesEnabled=false")) {
        expect(await page.evaluate("document.getElementById('img').naturalWidth")).toBe(0);
        expect(imageRequests).toBe(0);
      }
      const heapLimit = await page.evaluate(() => (performance as unknown as { memory: { jsHeapSizeLimit: number } }).memory.jsHeapSizeLimit);
      const jsFlags = tuning.args.find((a) => a.startsWith("--js-flags="));
      expect(jsFlags, "the service caps each page's heap").toBeDefined();
      expectHeapLimit(heapLimit, oldSpaceMiB(jsFlags!), 160);
    } finally {
      await browser.close();
    }
  });

  it("Node under the rendered NODE_OPTIONS has the rendered heap limit", () => {
    const r = run(process.execPath, ["-e", "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))"], {
      env: { NODE_OPTIONS: tuning.NODE_OPTIONS },
    });
    expect(r.code, r.stderr).toBe(0);
    expectHeapLimit(Number(r.stdout), oldSpaceMiB(tuning.NODE_OPTIONS), 64);
  });
});
