// The browser service in its memory limit, all at once in one group: the Node heap filled near its
// ceiling (--max-old-space-size from the rendered NODE_OPTIONS) and kept, a memory-backed /dev/shm filled
// to its size when the stack mounts one (tmpfs pages written inside the group stay charged to it), and the
// rendered number of sessions (CONCURRENT). A session is what the service runs per client connection:
// browserless launches a Chromium of its own for each connection to /chromium/playwright, with the launch
// flags of that connection (the rendered `args`, --js-flags page heap cap and --disable-dev-shm-usage
// included). So each session here is its own headless Debian Chromium, started inside the group, driven
// over the DevTools protocol (playwright-core, through a pipe), with one browser context and one page on a
// heavy local page: a big DOM and JavaScript that keeps arrays up to most of the page heap cap.
// Healthy: the heap filled and Node is still alive at the end, every page loaded and answered an evaluate
// after all of them were loaded, every Chromium still connected, no renderer crashed.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Cgroup } from "./cgroup";
import { type Harness, stopwatch } from "./harness";
import { runAsync, start, type Started, stop, StopWaiting, TOOLS, waitFor } from "./software";
import { base, type RenderedWorkload, type WorkloadReport } from "./workload";

const MiB = 1024 * 1024;
/** Fill the heap to this share of its ceiling: V8 aborts by itself at the ceiling, which is not the test. */
const HEAP_FILL = 0.9;
/**
 * Each heavy page keeps this share of the page heap cap (--js-flags=--max-old-space-size) in arrays:
 * near the cap without crossing it (Chromium reports a heap limit of the old space + 100-120 MiB).
 */
export const PAGE_FILL = 0.8;
/**
 * Elements in the heavy page's DOM, each with text: Blink's memory outside the V8 heap. 20,000 is 14 x
 * Lighthouse's "excessive DOM size" threshold (1,400). Measured here (Chromium 156): 125 MiB for 20,000
 * elements, 252 MiB for 50,000; at 50,000 prod's 4 sessions of 512Mi do not fit its 3Gi (a renderer is
 * OOM-killed), which is the page the stack's sessionMemory does not cover.
 */
export const PAGE_NODES = 20_000;

/**
 * Flags this machine needs and the service's image does not: no calls to Google's hosts on a closed
 * network (as test/real/chromium.test.ts). Headless comes from the launch; the service's flags are rendered.
 */
export const LOCAL_FLAGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export interface BrowserLoadOptions {
  readonly heapMiB?: number;
  readonly shmBytes?: number;
  /** Concurrent sessions; CONCURRENT from the tuning when absent; 0: the heap and shm only. */
  readonly sessions?: number;
}

export function heapMiBOf(w: RenderedWorkload): number {
  const m = /--max-old-space-size=(\d+)/.exec(String(w.tuning.NODE_OPTIONS ?? ""));
  if (!m) throw new Error(`${w.name}: no --max-old-space-size in NODE_OPTIONS`);
  return Number(m[1]);
}

/** The rendered Chromium flags (tuning `args`); throws naming the workload when absent. */
export function chromiumArgsOf(w: RenderedWorkload): string[] {
  const args = w.tuning.args;
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) throw new Error(`${w.name}: no Chromium args in the tuning annotation`);
  return args as string[];
}

/** The page heap cap in MiB from the rendered --js-flags=--max-old-space-size. */
export function pageHeapMiBOf(args: readonly string[]): number {
  const m = /^--js-flags=.*--max-old-space-size=(\d+)/.exec(args.find((a) => a.startsWith("--js-flags=")) ?? "");
  if (!m) throw new Error(`no --js-flags=--max-old-space-size in the Chromium args (${args.join(" ")})`);
  return Number(m[1]);
}

/** The heavy page: `mib` MiB of arrays of doubles kept on window, and `nodes` elements with text. */
export function heavyPage(mib: number, nodes: number): string {
  return `<!doctype html><meta charset="utf-8"><title>rightsize heavy page</title><div id="root"></div><script>
const keep = [];
for (let i = 0; i < ${Math.floor(mib / 16)}; i++) keep.push(new Array(2 * 1024 * 1024).fill(i + 0.5));
window.rightsizeKeep = keep;
const root = document.getElementById("root");
const frag = document.createDocumentFragment();
for (let i = 0; i < ${nodes}; i++) { const d = document.createElement("div"); d.className = "row r" + (i % 7); d.textContent = "row " + i + " of the rightsize heavy page"; frag.appendChild(d); }
root.appendChild(frag);
window.rightsizeDone = { arrays: keep.length, nodes: root.childElementCount };
</script>`;
}

/** Serves the heavy page on loopback (bound to port 0: no race for the port); the site, outside the group. */
export async function serveHeavyPage(mib: number, nodes: number): Promise<{ url: string; close(): Promise<void> }> {
  const html = heavyPage(mib, nodes);
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/heavy`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A Chromium launcher that enters the group first: every Chromium process starts inside it. */
export function chromiumInGroup(g: Cgroup, dir: string): string {
  const path = join(dir, "chromium-in-group.sh");
  writeFileSync(path, `#!/bin/sh\n${g.enter()} || exit 97\nexec ${TOOLS.chromium.bin} "$@"\n`, { mode: 0o755 });
  return path;
}

interface Session {
  index: number;
  browser?: import("playwright-core").Browser;
  page?: import("playwright-core").Page;
  crashed: boolean;
  disconnected: boolean;
  error?: string;
  loaded?: { arrays: number; nodes: number };
}

async function openSession(index: number, launcher: string, args: readonly string[], url: string): Promise<Session> {
  const s: Session = { index, crashed: false, disconnected: false };
  try {
    const { chromium } = await import("playwright-core");
    s.browser = await chromium.launch({ executablePath: launcher, headless: true, args: [...args, ...LOCAL_FLAGS], timeout: 120_000 });
    s.browser.on("disconnected", () => (s.disconnected = true));
    const context = await s.browser.newContext();
    s.page = await context.newPage();
    s.page.on("crash", () => (s.crashed = true));
    await s.page.goto(url, { waitUntil: "load", timeout: 120_000 });
    s.loaded = (await s.page.evaluate("window.rightsizeDone")) as Session["loaded"];
  } catch (e) {
    s.error = (e as Error).message.split("\n")[0]!;
  }
  return s;
}

/** Every page answers again once all are open: the arrays are still there and the DOM is whole. */
async function answers(s: Session): Promise<string | undefined> {
  if (s.error) return `session ${s.index}: ${s.error}`;
  try {
    const r = (await s.page!.evaluate("({ arrays: window.rightsizeKeep.length, last: window.rightsizeKeep[window.rightsizeKeep.length - 1]?.[12345], nodes: document.getElementById('root').childElementCount })")) as { arrays: number; nodes: number };
    if (r.arrays !== s.loaded?.arrays || r.nodes !== s.loaded?.nodes) return `session ${s.index}: the page answered ${JSON.stringify(r)}, loaded ${JSON.stringify(s.loaded)}`;
  } catch (e) {
    return `session ${s.index}: the page did not answer (${(e as Error).message.split("\n")[0]})`;
  }
  if (s.crashed) return `session ${s.index}: the renderer crashed`;
  if (s.disconnected || !s.browser?.isConnected()) return `session ${s.index}: Chromium exited`;
  return undefined;
}

export async function browserLoad(h: Harness, w: RenderedWorkload, opts: BrowserLoadOptions = {}): Promise<WorkloadReport> {
  const heapMiB = opts.heapMiB ?? heapMiBOf(w);
  const shmBytes = opts.shmBytes ?? Number(w.tuning.shm_bytes ?? 0);
  const sessions = opts.sessions ?? Number(w.tuning.CONCURRENT ?? 0);
  const args = sessions > 0 ? chromiumArgsOf(w) : [];
  const pageHeapMiB = sessions > 0 ? pageHeapMiBOf(args) : 0;
  const pageMiB = Math.floor(pageHeapMiB * PAGE_FILL);
  const dir = h.scratch(w.name);
  const g = h.group({ memory: w.memoryLimit, cpuMillis: w.cpuMillis, label: w.name });
  const shmDir = join("/dev/shm", g.name);
  mkdirSync(shmDir);
  const problems: string[] = [];
  const measured: Record<string, number | string> = {};
  const site = sessions > 0 ? await serveHeavyPage(pageMiB, PAGE_NODES) : undefined;
  const opened: Session[] = [];
  let node: Started | undefined;
  const clock = stopwatch();
  try {
    if (shmBytes > 0) {
      const dd = await runAsync(...g.wrap("/bin/dd", ["if=/dev/zero", `of=${join(shmDir, "fill")}`, "bs=1M", `count=${Math.floor(shmBytes / MiB)}`, "status=none"]), { timeoutMs: 120_000 });
      if (dd.code !== 0) problems.push(`writing ${Math.floor(shmBytes / MiB)} MiB to /dev/shm ended with ${dd.code}: ${dd.stderr.trim().slice(-300)}`);
    }
    // 16 MiB arrays of doubles, kept while the sessions run (Buffers would live outside the old space).
    const fill = Math.floor((heapMiB * HEAP_FILL) / 16);
    const script = `const keep = []; for (let i = 0; i < ${fill}; i++) keep.push(new Array(2 * 1024 * 1024).fill(i + 0.5)); console.log("heap filled", keep.length); setInterval(() => keep.length, 1 << 30);`;
    if (problems.length === 0) {
      const n = start(...g.wrap(process.execPath, [`--max-old-space-size=${heapMiB}`, "-e", script]));
      node = n;
      await waitFor("the Node heap to fill", 300, () => {
        if (n.output().includes("heap filled")) return true;
        if (n.proc.exitCode !== null || n.proc.signalCode !== null) throw new StopWaiting(`Node ended with ${n.proc.signalCode ?? n.proc.exitCode}`);
        return undefined;
      }).catch((e: Error) => problems.push(`the Node heap did not fill: ${e.message}: ${n.output().slice(-300).trim()}`));
    }
    measured.heap_and_shm_mib = Math.round(g.anonAndShmem() / MiB);
    if (problems.length === 0 && sessions > 0) {
      const launcher = chromiumInGroup(g, dir);
      const before = g.anonAndShmem();
      // All sessions at once, as clients connecting together.
      opened.push(...(await Promise.all(Array.from({ length: sessions }, (_, i) => openSession(i + 1, launcher, args, site!.url)))));
      const after = g.anonAndShmem();
      for (const s of opened) {
        const why = await answers(s);
        if (why) problems.push(why);
      }
      measured.pages_answered = opened.filter((s) => !s.error && s.loaded).length;
      measured.chromium_mib = Math.round((after - before) / MiB);
      measured.per_session_mib = Math.round((after - before) / sessions / MiB);
      measured.group_mib = Math.round(after / MiB);
    }
    if (node && problems.length === 0 && (node.proc.exitCode !== null || node.proc.signalCode !== null)) problems.push(`the Node process died (${node.proc.signalCode ?? node.proc.exitCode}): ${node.output().slice(-300).trim()}`);
  } finally {
    for (const s of opened) await s.browser?.close().catch(() => undefined);
    if (node) await stop(node, "SIGKILL");
    await site?.close();
  }
  const seconds = clock();
  const oomKills = g.oomKills();
  await g.destroy();
  rmSync(shmDir, { recursive: true, force: true });
  const shmText = shmBytes > 0 ? `${Math.floor(shmBytes / MiB)} MiB written to a memory-backed /dev/shm` : "/dev/shm not memory-backed (--disable-dev-shm-usage)";
  const sessionText =
    sessions > 0
      ? `${sessions} Chromium sessions at once (each its own headless Chromium with the rendered flags, one context, one page keeping ${pageMiB} MiB of arrays (${PAGE_FILL * 100}% of the ${pageHeapMiB} MiB page heap cap) and ${PAGE_NODES} DOM elements)`
      : "no Chromium sessions";
  return {
    ...base(w),
    settings: { "max-old-space-size": heapMiB, shm_bytes: shmBytes, CONCURRENT: sessions, ...(sessions > 0 ? { "page max-old-space-size": pageHeapMiB } : {}) },
    load: `a Node heap filled to ${HEAP_FILL * 100}% of ${heapMiB} MiB and kept, ${shmText}, ${sessionText}`,
    seconds,
    oomKills,
    healthy: problems.length === 0,
    problems,
    measured,
  };
}

/** The heap and the memory-backed /dev/shm without Chromium (the seed's flaw needs no sessions to die). */
export function heapShmLoad(h: Harness, w: RenderedWorkload, opts: Omit<BrowserLoadOptions, "sessions"> = {}): Promise<WorkloadReport> {
  return browserLoad(h, w, { ...opts, sessions: 0 });
}
