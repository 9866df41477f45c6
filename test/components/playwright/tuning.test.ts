import { describe, expect, it } from "vitest";
import { chromiumArgs, connectUrl, explainSessions, heapMiB, playwrightSettings, rendererHeapMiB, sessionsThatFit } from "../../../components/playwright/tuning";
import { baseValues, problems, resources, set, valid } from "../../helpers/stack";

const res = (memory: string, reqMemory = "1Gi") => resources("500m", reqMemory, "2", memory);
const withPw = (p: Record<string, unknown>) => set(baseValues(), "playwright", p);
const pw = (p: Record<string, unknown> = {}) => valid(withPw(p)).playwright!;

describe("browser service tuning", () => {
  it("defaults (3Gi): a 614 MiB heap (20%), 4 sessions, no memory-backed shm", () => {
    expect(playwrightSettings(pw())).toEqual({
      NODE_OPTIONS: "--max-old-space-size=614",
      CONCURRENT: 4,
      QUEUED: 8,
      TIMEOUT: 120000,
      args: ["--no-sandbox", "--disable-gpu", "--js-flags=--max-old-space-size=256", "--disable-dev-shm-usage", "--blink-settings=imagesEnabled=false", "--autoplay-policy=user-gesture-required", "--mute-audio"],
      shm_bytes: 0,
    });
    expect(explainSessions(pw())).toBe("floor((3Gi - heap 614Mi - browser 256Mi) / 512Mi) = 4");
  });

  it("dev (2560Mi): 512 MiB heap and 3 sessions", () => {
    const c = pw({ resources: res("2560Mi") });
    expect(heapMiB(c)).toBe(512);
    expect(sessionsThatFit(c)).toBe(3);
  });

  it("a memory-backed /dev/shm is paid from the limit before sessions", () => {
    const c = pw({ shm: { mode: "memory", size: "256Mi" } });
    // floor((3072 - 614 - 256 - 256) / 512)
    expect(sessionsThatFit(c)).toBe(3);
    expect(chromiumArgs(c)).not.toContain("--disable-dev-shm-usage");
    expect(playwrightSettings(c).shm_bytes).toBe(256 * 1024 * 1024);
  });

  it("honours a heap, session count and queue within bounds; no media flags when media is allowed", () => {
    const c = pw({ nodeHeap: "600Mi", maxConcurrentSessions: 2, queueLength: 1, blockMedia: false, requestTimeout: 30 });
    expect(playwrightSettings(c)).toMatchObject({ NODE_OPTIONS: "--max-old-space-size=600", CONCURRENT: 2, QUEUED: 1, TIMEOUT: 30000 });
    expect(chromiumArgs(c)).toEqual(["--no-sandbox", "--disable-gpu", "--js-flags=--max-old-space-size=256", "--disable-dev-shm-usage"]);
  });

  it("clients get the flags in the connect URL", () => {
    const url = connectUrl(playwrightSettings(pw({ blockMedia: false })));
    expect(url).toBe(`ws://playwright:3000/chromium/playwright?timeout=120000&launch=${encodeURIComponent('{"args":["--no-sandbox","--disable-gpu","--js-flags=--max-old-space-size=256","--disable-dev-shm-usage"]}')}`);
  });
});

describe("bad input is rejected with the keys and the numbers", () => {
  it("the seed's 2 GiB heap plus a 2 GiB memory-backed shm in 3 GiB", () => {
    expect(problems(withPw({ resources: res("3Gi", "1536Mi"), nodeHeap: "2Gi", shm: { mode: "memory", size: "2Gi" } }))).toEqual([
      'playwright.nodeHeap: is 66% of limits.memory 3Gi; keep the Node heap between 15% and 25% of it (461Mi to 768Mi): Chromium, not Node, needs the rest (got "2Gi")',
      'playwright.shm.size: nodeHeap 2Gi + memory-backed shm.size 2Gi (counted in the limit) + browserBaseMemory 256Mi = 4352Mi; with one session of sessionMemory 512Mi that is 4864Mi, more than limits.memory 3Gi (got "2Gi")',
    ]);
  });

  it("a 2 GiB shm alone still leaves no session in 3 GiB", () => {
    expect(problems(withPw({ shm: { mode: "memory", size: "2Gi" } }))).toEqual([
      'playwright.shm.size: nodeHeap 614Mi + memory-backed shm.size 2Gi (counted in the limit) + browserBaseMemory 256Mi = 2918Mi; with one session of sessionMemory 512Mi that is 3430Mi, more than limits.memory 3Gi (got "2Gi")',
    ]);
  });

  it("a limit too small for one session", () => {
    expect(problems(withPw({ resources: res("768Mi", "512Mi") }))).toEqual([
      'playwright.resources.limits.memory: nodeHeap 153Mi + browserBaseMemory 256Mi = 409Mi; with one session of sessionMemory 512Mi that is 921Mi, more than limits.memory 768Mi (got "768Mi")',
    ]);
  });

  it("more sessions than fit, and a derived variable in env", () => {
    expect(problems(withPw({ maxConcurrentSessions: 5, env: { NODE_OPTIONS: "--max-old-space-size=2048" } }))).toEqual([
      "playwright.maxConcurrentSessions: 5 sessions do not fit: floor((3Gi - heap 614Mi - browser 256Mi) / 512Mi) = 4 (got 5)",
      'playwright.env.NODE_OPTIONS: is set by rightsize (derived from the playwright keys); remove it from env (got "--max-old-space-size=2048")',
    ]);
  });

  it("a heap below 15%", () => {
    expect(problems(withPw({ nodeHeap: "256Mi" }))).toEqual([
      'playwright.nodeHeap: is 8% of limits.memory 3Gi; keep the Node heap between 15% and 25% of it (461Mi to 768Mi): Chromium, not Node, needs the rest (got "256Mi")',
    ]);
  });
});

describe("renderer heap", () => {
  it("caps each page's V8 heap at half a session's memory", () => {
    expect(rendererHeapMiB(pw({}))).toBe(256);
    expect(rendererHeapMiB(pw({ sessionMemory: "1Gi" }))).toBe(512);
    expect(chromiumArgs(pw({ sessionMemory: "300Mi" }))).toContain("--js-flags=--max-old-space-size=150");
  });
});
