import { describe, expect, it } from "vitest";
import { derivedIndexingThreads, maxIndexingMemoryCeiling, meilisearchEnv, meilisearchSettings } from "../../../components/meilisearch/tuning";
import { MiB } from "../../../model/units";
import { baseValues, problems, PROD_SECRET_KEYS, set, valid } from "../../helpers/stack";

const meili = (limits: { cpu?: string; memory?: string }, extra: Record<string, unknown> = {}) => {
  let v = set(baseValues(), "meilisearch.resources.limits", limits);
  v = set(v, "meilisearch.resources.requests.cpu", "100m");
  for (const [k, x] of Object.entries(extra)) v = set(v, `meilisearch.${k}`, x);
  return valid(v).meilisearch;
};

describe("Meilisearch options from the container's limits", () => {
  it("the default 1 GiB / 1.5 CPU: 512 MiB of indexing memory, 1 thread, 100 MiB payloads", () => {
    expect(meilisearchSettings(valid().meilisearch, "dev")).toEqual({
      MEILI_ENV: "development",
      MEILI_MAX_INDEXING_MEMORY: 536870912,
      MEILI_MAX_INDEXING_THREADS: 1,
      MEILI_HTTP_PAYLOAD_SIZE_LIMIT: 104857600,
    });
  });

  it("runs in production mode in prod", () => {
    expect(meilisearchSettings(valid().meilisearch, "prod").MEILI_ENV).toBe("production");
  });

  it("gives indexing half the memory in whole MiB, and half the whole cores", () => {
    expect(maxIndexingMemoryCeiling(meili({ memory: "4Gi", cpu: "4" }))).toBe(2048 * MiB);
    expect(maxIndexingMemoryCeiling(meili({ memory: "1001Mi" }))).toBe(500 * MiB);
    expect(derivedIndexingThreads(meili({ cpu: "4" }))).toBe(2);
    expect(derivedIndexingThreads(meili({ cpu: "3900m" }))).toBe(1);
    expect(derivedIndexingThreads(meili({ cpu: "500m" }))).toBe(1);
    expect(derivedIndexingThreads(meili({ cpu: "8" }))).toBe(4);
  });

  it("takes overrides that fit", () => {
    const s = meilisearchSettings(meili({ memory: "2Gi", cpu: "4" }, { maxIndexingMemory: "768Mi", maxIndexingThreads: 3, httpPayloadSizeLimit: "20Mi" }), "dev");
    expect(s).toMatchObject({ MEILI_MAX_INDEXING_MEMORY: 768 * MiB, MEILI_MAX_INDEXING_THREADS: 3, MEILI_HTTP_PAYLOAD_SIZE_LIMIT: 20 * MiB });
  });

  it("writes the environment as strings, with the database on the volume", () => {
    expect(meilisearchEnv(meilisearchSettings(valid().meilisearch, "prod"), { dbPath: "/meili_data/data.ms", port: 7700 })).toEqual({
      MEILI_DB_PATH: "/meili_data/data.ms",
      MEILI_HTTP_ADDR: "0.0.0.0:7700",
      MEILI_NO_ANALYTICS: "true",
      MEILI_DUMP_DIR: "/meili_data/dumps",
      MEILI_SNAPSHOT_DIR: "/meili_data/snapshots",
      MEILI_ENV: "production",
      MEILI_MAX_INDEXING_MEMORY: "536870912",
      MEILI_MAX_INDEXING_THREADS: "1",
      MEILI_HTTP_PAYLOAD_SIZE_LIMIT: "104857600",
    });
  });
});

describe("meilisearch config checks", () => {
  const cases: [string, string, unknown, string[]][] = [
    ["indexing memory above half the limit", "meilisearch.maxIndexingMemory", "768Mi", [
      'meilisearch.maxIndexingMemory: is more than half of limits.memory 1Gi (512Mi): LMDB maps the database outside it, inside the same limit (got "768Mi")',
    ]],
    ["more indexing threads than cores", "meilisearch.maxIndexingThreads", 4, [
      "meilisearch.maxIndexingThreads: is more than the 2 cores limits.cpu 1500m allows: the extra threads only wait for CPU time and slow searches (got 4)",
    ]],
    ["a payload limit of most of the memory", "meilisearch.httpPayloadSizeLimit", "800Mi", [
      'meilisearch.httpPayloadSizeLimit: is more than half of limits.memory 1Gi: one request body is held in memory while it is indexed (got "800Mi")',
    ]],
    ["a master key shorter than 16 bytes", "meilisearch.masterKey", "short-key", ['meilisearch.masterKey: must be at least 16 characters (got "[secret of 9 characters]")']],
    ["a missing master key", "meilisearch.masterKey", undefined, ["meilisearch.masterKey: is required: a credential; set it with `pulumi config set --path meilisearch.masterKey <value> -s dev`"]],
  ];
  for (const [what, path, value, expected] of cases) {
    it(`rejects ${what}`, () => {
      expect(problems(set(baseValues(), path, value))).toEqual(expected);
    });
  }

  it("requires the master key encrypted in prod", () => {
    expect(problems(baseValues(), "prod", ["postgres", "redis"])).toEqual([
      "meilisearch.masterKey: must be stored encrypted in prod: set it with `pulumi config set --secret --path meilisearch.masterKey ...`",
    ]);
    expect(problems(baseValues(), "prod", PROD_SECRET_KEYS)).toEqual([]);
  });
});
