// Browser service settings derived from its memory limit. Pure: no @pulumi imports.
import { type ConfigIssue, issue } from "../../config/issues";
import { formatMemory, showMemory } from "../../model/quantity";
import type { PlaywrightConfig } from "../../config/schema/playwright";
import { type Bytes, bytes, MiB } from "../../model/units";
import type { UsageAccount } from "../../model/usage";
import { PLAYWRIGHT } from "../shared/endpoints";
import { type EnvVar, envNames, envOverrides } from "../shared/env";

/** Settings keyed as the service takes them: its environment variables, and Chromium's flags as `args`. */
export interface PlaywrightSettings {
  NODE_OPTIONS: string;
  /** Concurrent browser sessions. */
  CONCURRENT: number;
  /** Requests waiting for a session before a 429. */
  QUEUED: number;
  /** Session timeout, milliseconds. */
  TIMEOUT: number;
  /** Chromium flags every session is launched with. */
  args: string[];
  /** Memory-backed /dev/shm in bytes, or 0 with --disable-dev-shm-usage. */
  shm_bytes: number;
}

/** The Node heap's share of the memory limit: the browsers, not Node, need the rest. */
export const HEAP_PERCENT = { min: 15, default: 20, max: 25 } as const;

/** Whole MiB as a quantity ("2Gi" when it divides), for messages. */
const mib = (b: number) => showMemory(Math.round(b / MiB) * MiB);

/** --max-old-space-size in MiB: nodeHeap, or 20% of the limit rounded down. */
export function heapMiB(c: PlaywrightConfig): number {
  const m = c.resources.limits.memory;
  return c.nodeHeap !== undefined ? Math.floor(c.nodeHeap / MiB) : Math.floor((m * HEAP_PERCENT.default) / (100 * MiB));
}

/** Memory-backed /dev/shm counts against the container's limit; --disable-dev-shm-usage needs none. */
export function shmBytes(c: PlaywrightConfig): number {
  return c.shm.mode === "memory" ? c.shm.size : 0;
}

/** What is left for sessions once the heap, the browser base and a memory-backed shm are paid for. */
export function sessionRoom(c: PlaywrightConfig): number {
  return c.resources.limits.memory - heapMiB(c) * MiB - c.browserBaseMemory - shmBytes(c);
}

/** floor((M - heap - browser base - shm) / per-session memory). */
export function sessionsThatFit(c: PlaywrightConfig): number {
  return Math.max(0, Math.floor(sessionRoom(c) / c.sessionMemory));
}

export function sessions(c: PlaywrightConfig): number {
  return c.maxConcurrentSessions ?? sessionsThatFit(c);
}

/**
 * Each page's V8 heap cap (--js-flags=--max-old-space-size), in MiB: half a session's memory, the rest
 * being DOM, layout and the renderer process itself. A runaway page then dies alone with "out of memory"
 * instead of pushing the pod past its limit and killing every session.
 */
export function rendererHeapMiB(c: PlaywrightConfig): number {
  return Math.max(16, Math.floor(c.sessionMemory / (2 * MiB)));
}

/**
 * Flags for every Chromium the service launches. --no-sandbox: Chromium's sandbox needs user namespaces,
 * which the RuntimeDefault seccomp profile and the dropped capabilities deny; the pod is the sandbox.
 * Media blocking: no images, no autoplay, muted.
 */
export function chromiumArgs(c: PlaywrightConfig): string[] {
  return [
    "--no-sandbox",
    "--disable-gpu",
    `--js-flags=--max-old-space-size=${rendererHeapMiB(c)}`,
    ...(c.shm.mode === "disable" ? ["--disable-dev-shm-usage"] : []),
    ...(c.blockMedia ? ["--blink-settings=imagesEnabled=false", "--autoplay-policy=user-gesture-required", "--mute-audio"] : []),
  ];
}

export function playwrightSettings(c: PlaywrightConfig): PlaywrightSettings {
  const n = sessions(c);
  return {
    NODE_OPTIONS: `--max-old-space-size=${heapMiB(c)}`,
    CONCURRENT: n,
    QUEUED: c.queueLength ?? 2 * n,
    TIMEOUT: c.requestTimeout * 1000,
    args: chromiumArgs(c),
    shm_bytes: shmBytes(c),
  };
}

/**
 * The Playwright endpoint clients connect to (`chromium.connect(url)`): the flags travel in the `launch`
 * parameter, because the service takes launch options per connection, not from its environment.
 */
export function connectUrl(s: PlaywrightSettings, namespace?: string): string {
  const host = namespace ? `${PLAYWRIGHT.name}.${namespace}.svc.cluster.local` : PLAYWRIGHT.name;
  const launch = encodeURIComponent(JSON.stringify({ args: s.args }));
  return `ws://${host}:${PLAYWRIGHT.port}/chromium/playwright?timeout=${s.TIMEOUT}&launch=${launch}`;
}

/** The variables the component sets (index.ts puts them before the stack's `env`, which may not set them). */
export function playwrightEnv(s: PlaywrightSettings): EnvVar[] {
  return [
    { name: "PORT", value: String(PLAYWRIGHT.port) },
    { name: "HOST", value: "0.0.0.0" },
    { name: "NODE_OPTIONS", value: s.NODE_OPTIONS },
    { name: "CONCURRENT", value: String(s.CONCURRENT) },
    { name: "QUEUED", value: String(s.QUEUED) },
    { name: "TIMEOUT", value: String(s.TIMEOUT) },
  ];
}

export function explainSessions(c: PlaywrightConfig): string {
  const m = c.resources.limits.memory;
  const shm = shmBytes(c) > 0 ? ` - shm ${mib(shmBytes(c))}` : "";
  return `floor((${mib(m)} - heap ${heapMiB(c)}Mi - browser ${mib(c.browserBaseMemory)}${shm}) / ${mib(c.sessionMemory)}) = ${sessionsThatFit(c)}`;
}

/** Cross-field checks that need the derivation; each names its keys and the numbers. */
export function checkPlaywright(c: PlaywrightConfig | undefined): ConfigIssue[] {
  if (!c) return [];
  const out: ConfigIssue[] = [];
  const m = c.resources.limits.memory;
  const limit = `limits.memory ${formatMemory(m)}`;
  if (c.nodeHeap !== undefined) {
    const h = c.nodeHeap;
    if (h * 100 < m * HEAP_PERCENT.min || h * 100 > m * HEAP_PERCENT.max) {
      const lo = Math.ceil((m * HEAP_PERCENT.min) / (100 * MiB));
      const hi = Math.floor((m * HEAP_PERCENT.max) / (100 * MiB));
      out.push(
        issue(
          "playwright.nodeHeap",
          `is ${Math.floor((h * 100) / m)}% of ${limit}; keep the Node heap between ${HEAP_PERCENT.min}% and ${HEAP_PERCENT.max}% of it (${lo}Mi to ${hi}Mi): Chromium, not Node, needs the rest`,
          formatMemory(h),
        ),
      );
    }
  }
  const fixed = heapMiB(c) * MiB + c.browserBaseMemory + shmBytes(c);
  if (fixed + c.sessionMemory > m) {
    const shm = c.shm.mode === "memory" ? ` + memory-backed shm.size ${formatMemory(c.shm.size)} (counted in the limit)` : "";
    const key = c.shm.mode === "memory" ? "playwright.shm.size" : "playwright.resources.limits.memory";
    const value = c.shm.mode === "memory" ? formatMemory(c.shm.size) : formatMemory(m);
    out.push(
      issue(
        key,
        `nodeHeap ${mib(heapMiB(c) * MiB)}${shm} + browserBaseMemory ${formatMemory(c.browserBaseMemory)} = ${mib(fixed)}; ` +
          `with one session of sessionMemory ${formatMemory(c.sessionMemory)} that is ${mib(fixed + c.sessionMemory)}, more than ${limit}`,
        value,
      ),
    );
  } else if (c.maxConcurrentSessions !== undefined && c.maxConcurrentSessions > sessionsThatFit(c)) {
    out.push(issue("playwright.maxConcurrentSessions", `${c.maxConcurrentSessions} sessions do not fit: ${explainSessions(c)}`, c.maxConcurrentSessions));
  }
  out.push(...envOverrides("playwright.env", c.env, envNames(playwrightEnv(playwrightSettings(c))), "derived from the playwright keys"));
  return out;
}

/** The usage model the session count is sized from: heap + browser base + shm + sessions x session memory. */
export function browserUsage(c: PlaywrightConfig): UsageAccount {
  return { units: sessions(c), fixed: bytes(heapMiB(c) * MiB + c.browserBaseMemory + shmBytes(c)), perUnit: c.sessionMemory };
}

/**
 * The smallest limit (whole MiB) that gives `n` sessions of `perSession`: with the default heap the heap
 * grows with the limit, so solve the 80% share, then step up to the first whole MiB that fits.
 */
export function browserLimitFor(c: PlaywrightConfig, n: number, perSession: Bytes): Bytes {
  const rest = c.browserBaseMemory + shmBytes(c) + n * perSession;
  const share = c.nodeHeap !== undefined ? 1 : 1 - HEAP_PERCENT.default / 100;
  const heap = c.nodeHeap !== undefined ? Math.floor(c.nodeHeap / MiB) * MiB : 0;
  // The estimate can overshoot by the heap's rounding to whole MiB: start below it and step up.
  let limit = Math.max(MiB, (Math.ceil((rest + heap) / share / MiB) - 4) * MiB);
  const with_ = (m: number) => ({ ...c, sessionMemory: perSession, resources: { ...c.resources, limits: { ...c.resources.limits, memory: bytes(m) } } });
  while (sessionsThatFit(with_(limit)) < n) limit += MiB;
  return bytes(limit);
}
