import { describe, expect, it } from "vitest";
import { playwrightSchema } from "../../../config/schema/playwright";
import { parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe("playwright schema", () => {
  it("fills the browser service's defaults, /dev/shm off", () => {
    expect(playwrightSchema.parse({})).toEqual({
      enabled: true,
      replicas: 1,
      resources: { requests: { cpu: 500, memory: 1536 * Mi }, limits: { cpu: 2000, memory: 3 * Gi } },
      browserBaseMemory: 256 * Mi,
      sessionMemory: 512 * Mi,
      shm: { mode: "disable", size: 64 * Mi },
      blockMedia: true,
      requestTimeout: 120,
      healthPath: "/active",
      uid: 999,
      env: {},
    });
  });

  it("is absent unless the stack asks for it", () => {
    expect(parsedAt("web.replicas", 1).playwright).toBeUndefined();
    expect(parsedAt("playwright", {}).playwright?.enabled).toBe(true);
  });

  it("wants a session to cost memory, since the sessions are the memory left divided by it", () => {
    expect(problemsAt("playwright.sessionMemory", "1")).toEqual([]);
    expect(problemsAt("playwright.sessionMemory", 0)).toEqual(["playwright.sessionMemory: must be more than 0: it divides the memory limit into browser sessions (got 0)"]);
    expect(problemsAt("playwright.sessionMemory", "0Mi")).toEqual(["playwright.sessionMemory: must be more than 0: it divides the memory limit into browser sessions (got 0)"]);
    expect(problemsAt("playwright.browserBaseMemory", "0")).toEqual([]);
  });

  it("bounds sessions at 1..100 and the queue at 0..1000", () => {
    expect(problemsAt("playwright", { maxConcurrentSessions: 1, queueLength: 0 })).toEqual([]);
    expect(problemsAt("playwright", { maxConcurrentSessions: 100, queueLength: 1000 })).toEqual([]);
    expect(problemsAt("playwright.maxConcurrentSessions", 0)).toEqual(["playwright.maxConcurrentSessions: must be at least 1 (got 0)"]);
    expect(problemsAt("playwright.maxConcurrentSessions", 101)).toEqual(["playwright.maxConcurrentSessions: must be at most 100 (got 101)"]);
    expect(problemsAt("playwright.queueLength", 1001)).toEqual(["playwright.queueLength: must be at most 1000 (got 1001)"]);
  });

  it("takes a memory-backed /dev/shm of a size, or none", () => {
    expect(parsedAt("playwright.shm", { mode: "memory", size: "1Gi" }).playwright?.shm).toEqual({ mode: "memory", size: Gi });
    expect(problemsAt("playwright.shm.mode", "tmpfs")).toEqual(['playwright.shm.mode: must be one of "disable", "memory" (got "tmpfs")']);
  });

  it("bounds the uid to a non-root 31-bit id, and the timeout to an hour", () => {
    expect(problemsAt("playwright.uid", 2147483647)).toEqual([]);
    expect(problemsAt("playwright.uid", 0)).toEqual(["playwright.uid: must be at least 1 (got 0)"]);
    expect(problemsAt("playwright.uid", 2147483648)).toEqual(["playwright.uid: must be at most 2147483647 (got 2147483648)"]);
    expect(problemsAt("playwright.requestTimeout", 3600)).toEqual([]);
    expect(problemsAt("playwright.requestTimeout", 3601)).toEqual(["playwright.requestTimeout: must be at most 3600 (got 3601)"]);
    expect(problemsAt("playwright.healthPath", "active")).toEqual(['playwright.healthPath: must be a URL path starting with / (got "active")']);
  });

  it("checks its requests against an edited limit", () => {
    expect(problemsAt("playwright.resources.limits.memory", "1536Mi")).toEqual([]);
    expect(problemsAt("playwright.resources.limits.memory", "1Gi")).toEqual(['playwright.resources.requests.memory: request is larger than limits.memory 1Gi (got "1536Mi")']);
  });
});
