import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ANNOTATION, COMPONENT, CONFIG_HASH_ANNOTATION, readTuning, TUNING_KEY } from "../../model/annotations";

const withTuning = (text: unknown) => ({ metadata: { annotations: { [ANNOTATION.tuning]: text as string } } });

describe("annotation names", () => {
  // These strings are on objects already in clusters and in the policy pack's reads: a rename is a break.
  it("spells each name once, as the rendered objects carry it", () => {
    expect(ANNOTATION).toEqual({
      component: "rightsize.io/component",
      tuning: "rightsize.io/tuning",
      role: "rightsize.io/role",
      configKey: "rightsize.io/config-key",
    });
    expect(CONFIG_HASH_ANNOTATION).toBe("rightsize.io/config-sha256");
    expect(TUNING_KEY).toEqual({ celeryParentMemory: "rightsize_parent_memory", postgresBackendMemory: "rightsize_backend_memory", postgresShm: "rightsize_shm_bytes" });
    expect(Object.values(COMPONENT)).toEqual(["web", "postgres", "pgbouncer", "redis", "meilisearch", "playwright", "celery-worker", "celery-beat", "extra"]);
  });

  it("gives every component kind a distinct DNS-label name", () => {
    const kinds = Object.values(COMPONENT);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const k of kinds) expect(k).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("readTuning", () => {
  it("reads an object of settings", () => {
    expect(readTuning(withTuning('{"workers":3,"shared_buffers":"384MB"}'))).toEqual({ ok: true, tuning: { workers: 3, shared_buffers: "384MB" }, present: true });
    expect(readTuning(withTuning("{}"))).toEqual({ ok: true, tuning: {}, present: true });
  });

  it("treats an absent annotation as no settings, and says it was absent", () => {
    const none = { ok: true, tuning: {}, present: false };
    expect(readTuning({})).toEqual(none);
    expect(readTuning({ metadata: {} })).toEqual(none);
    expect(readTuning({ metadata: { annotations: { [ANNOTATION.component]: "web" } } })).toEqual(none);
  });

  it("rejects a value that is not a string", () => {
    expect(readTuning(withTuning(3))).toEqual({ ok: false, error: "rightsize.io/tuning is not a string" });
    expect(readTuning(withTuning({ workers: 3 }))).toEqual({ ok: false, error: "rightsize.io/tuning is not a string" });
  });

  it("rejects JSON that is not an object", () => {
    for (const text of ["[]", "[1,2]", "null", "42", '"workers"', "true"]) {
      expect(readTuning(withTuning(text))).toEqual({ ok: false, error: "rightsize.io/tuning is not a JSON object" });
    }
  });

  it("rejects text that is not JSON, with the parser's reason", () => {
    let reason = "";
    try {
      JSON.parse("{workers: 3}");
    } catch (e) {
      reason = (e as Error).message;
    }
    expect(reason).not.toBe("");
    expect(readTuning(withTuning("{workers: 3}"))).toEqual({ ok: false, error: `rightsize.io/tuning is not valid JSON (${reason})` });
    expect(readTuning(withTuning(""))).toMatchObject({ ok: false, error: expect.stringMatching(/^rightsize\.io\/tuning is not valid JSON \(.+\)$/) });
  });

  it("reads back whatever object of settings a component writes", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (tuning) => {
        expect(readTuning(withTuning(JSON.stringify(tuning)))).toEqual({ ok: true, tuning, present: true });
      }),
    );
  });
});
