import { describe, expect, it } from "vitest";
import { meilisearchSchema } from "../../../config/schema/meilisearch";
import { boundsAt, parsedAt, problemsAt } from "../../helpers/schema";

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe("meilisearch schema", () => {
  it("fills 1Gi / 1.5 CPU with the memory request equal to the limit", () => {
    const m = meilisearchSchema.parse({ masterKey: "k".repeat(16) });
    expect({ ...m, masterKey: m.masterKey.reveal() }).toEqual({
      resources: { requests: { cpu: 500, memory: Gi }, limits: { cpu: 1500, memory: Gi } },
      storage: { size: 10 * Gi },
      masterKey: "k".repeat(16),
      httpPayloadSizeLimit: 100 * Mi,
      tmpSize: Gi,
      probes: { startupTimeout: 1800 },
    });
    expect(parsedAt("meilisearch.maxIndexingMemory", "256Mi").meilisearch.maxIndexingMemory).toBe(256 * Mi);
  });

  it("wants a master key of at least 16 bytes, production mode's minimum", () => {
    expect(problemsAt("meilisearch", undefined)).toEqual(["meilisearch.masterKey: is required: a credential; set it with `pulumi config set --path meilisearch.masterKey <value> -s dev`"]);
    expect(problemsAt("meilisearch.masterKey", "k".repeat(16))).toEqual([]);
    expect(problemsAt("meilisearch.masterKey", "k".repeat(15))).toEqual(['meilisearch.masterKey: must be at least 16 characters (got "[secret of 15 characters]")']);
  });

  it("bounds the indexing threads at 1..1024 and the startup wait at 60 s .. 1 day", () => {
    expect(boundsAt("meilisearch.maxIndexingThreads", 1, 1024)).toEqual([
      [],
      [],
      ["meilisearch.maxIndexingThreads: must be at least 1 (got 0)"],
      ["meilisearch.maxIndexingThreads: must be at most 1024 (got 1025)"],
    ]);
    expect(boundsAt("meilisearch.probes.startupTimeout", 60, 86400)).toEqual([
      [],
      [],
      ["meilisearch.probes.startupTimeout: must be at least 60 (got 59)"],
      ["meilisearch.probes.startupTimeout: must be at most 86400 (got 86401)"],
    ]);
  });

  it("takes sizes as Kubernetes quantities, not Meilisearch's own units", () => {
    expect(problemsAt("meilisearch.httpPayloadSizeLimit", "100MB")).toEqual([
      'meilisearch.httpPayloadSizeLimit: "100MB" is not a Kubernetes quantity: unknown suffix "MB" (use Ki, Mi, Gi, Ti, Pi, Ei or k, M, G, T, P, E)',
    ]);
    expect(problemsAt("meilisearch.storage", { size: "50Gi", storageClassName: "fast" })).toEqual([]);
  });
});
