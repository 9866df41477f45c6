// What a browser session costs here, measured: `node -r ./tools/harness/register.js tools/limits/browser-cost.ts
// [sessions] [pageMiB] [domElements]` (root, cgroups as `npm run limits`). In one memory group of 8Gi (no
// pressure), it reads the group's anonymous + shmem memory (memory.stat: heaps and /dev/shm, not page cache)
// after each step: an idle Node process (the service's part outside its heap), one headless Chromium with
// no page (the browser, GPU and network-service processes), then sessions added one at a time, each its own
// Chromium (as browserless launches one per connection) with one context and one page on the heavy page
// (with a blank page when pageMiB and domElements are 0). Flags: the dev stack's (--disable-dev-shm-usage,
// page heap cap 256 MiB). Prints the figures the README's per-unit cost table quotes.
import { createHarness, sleep } from "./harness";
import { chromiumInGroup, LOCAL_FLAGS, serveHeavyPage } from "./browser";
import { start, stop } from "./software";

const MiB = 1024 * 1024;
const FLAGS = ["--no-sandbox", "--disable-gpu", "--js-flags=--max-old-space-size=256", "--disable-dev-shm-usage", "--blink-settings=imagesEnabled=false", "--autoplay-policy=user-gesture-required", "--mute-audio"];

export async function browserCost(sessions: number, pageMiB: number, nodes: number) {
  const h = createHarness();
  const site = await serveHeavyPage(pageMiB, nodes);
  const g = h.group({ memory: 8 * 1024 * MiB, label: "browser-cost" });
  const mib = () => Math.round(g.anonAndShmem() / MiB);
  // Memory settles within a second of the page's load event here; read after 1.5 s.
  const settle = () => sleep(1500);
  const { chromium } = await import("playwright-core");
  const browsers: import("playwright-core").Browser[] = [];
  try {
    const node = start(...g.wrap(process.execPath, ["-e", "setInterval(() => 0, 1 << 30)"]));
    await settle();
    const nodeIdle = mib();
    await stop(node, "SIGKILL");
    await settle();
    const empty = mib();
    const launcher = chromiumInGroup(g, h.scratch("browser-cost"));
    const steps: number[] = [];
    let noPage = 0;
    for (let i = 0; i < sessions; i++) {
      const b = await chromium.launch({ executablePath: launcher, headless: true, args: [...FLAGS, ...LOCAL_FLAGS] });
      browsers.push(b);
      if (i === 0) {
        await settle();
        noPage = mib() - empty;
      }
      const page = await (await b.newContext()).newPage();
      await page.goto(site.url, { waitUntil: "load" });
      if (!(await page.evaluate("window.rightsizeDone"))) throw new Error("the heavy page did not finish");
      await settle();
      steps.push(mib());
    }
    const deltas = steps.map((v, i) => v - (i === 0 ? empty : steps[i - 1]!));
    return { pageMiB, nodes, nodeIdleMiB: nodeIdle, chromiumNoPageMiB: noPage, perSessionMiB: deltas, meanPerSessionMiB: Math.round(deltas.reduce((a, b) => a + b, 0) / deltas.length) };
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await site.close();
    await h.close();
  }
}

if (require.main === module) {
  const [n = "4", pageMiB = "204", nodes = "20000"] = process.argv.slice(2);
  browserCost(Number(n), Number(pageMiB), Number(nodes)).then(
    (r) => process.stdout.write(JSON.stringify(r) + "\n"),
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
