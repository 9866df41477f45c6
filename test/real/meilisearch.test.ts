// No Meilisearch binary can be had here (no Debian package, no downloads), so its environment is checked
// against the options Meilisearch documents for v1.x (configuration reference: "Environment variable",
// "Expected value"), and the derived values against the rules.
import { describe, expect, it } from "vitest";
import { renderStack } from "./support";

const size = /^(\d+|\d+(\.\d+)?\s?(b|kb|kib|mb|mib|gb|gib|tb|tib))$/i;
const path = /^\/[\w./-]*$/;

/** Documented environment variables and what each accepts. */
const DOCUMENTED: Record<string, (v: string) => boolean> = {
  MEILI_DB_PATH: (v) => path.test(v),
  MEILI_ENV: (v) => v === "production" || v === "development",
  MEILI_HTTP_ADDR: (v) => /^[\w.:[\]-]+:\d{1,5}$/.test(v),
  MEILI_MASTER_KEY: (v) => Buffer.byteLength(v) >= 16,
  MEILI_NO_ANALYTICS: (v) => v === "true" || v === "false",
  MEILI_DUMP_DIR: (v) => path.test(v),
  MEILI_SNAPSHOT_DIR: (v) => path.test(v),
  MEILI_LOG_LEVEL: (v) => /^(OFF|ERROR|WARN|INFO|DEBUG|TRACE)$/.test(v),
  MEILI_MAX_INDEXING_MEMORY: (v) => size.test(v),
  MEILI_MAX_INDEXING_THREADS: (v) => /^[1-9]\d*$/.test(v),
  MEILI_HTTP_PAYLOAD_SIZE_LIMIT: (v) => size.test(v),
  MEILI_SCHEDULE_SNAPSHOT: (v) => /^(true|false|\d+)$/.test(v),
  MEILI_IMPORT_DUMP: (v) => path.test(v),
  MEILI_IGNORE_MISSING_DUMP: (v) => v === "true" || v === "false",
  MEILI_IGNORE_DUMP_IF_DB_EXISTS: (v) => v === "true" || v === "false",
};

describe.each(["dev", "prod"])("Meilisearch's environment in the %s stack", (stack) => {
  const r = renderStack(stack);
  const sts = r.get("StatefulSet", "meilisearch");
  const container = sts.spec.template.spec.containers[0];
  const env = (r.get("ConfigMap", "meilisearch-env") as { data: Record<string, string> }).data;
  const limit = container.resources.limits;

  it("uses only documented option names, each with a documented value", () => {
    const names = [...Object.keys(env), ...container.env.map((e: { name: string }) => e.name)];
    expect(names.filter((n) => !(n in DOCUMENTED))).toEqual([]);
    expect(Object.entries(env).filter(([k, v]) => !DOCUMENTED[k]!(v))).toEqual([]);
  });

  it("takes the master key from a Secret, never from the ConfigMap", () => {
    expect(env.MEILI_MASTER_KEY).toBeUndefined();
    const key = container.env.find((e: { name: string }) => e.name === "MEILI_MASTER_KEY");
    expect(key.valueFrom.secretKeyRef).toEqual({ name: "meilisearch-credentials", key: "masterKey" });
  });

  it("keeps indexing memory within half the limit and indexing threads at half the cores", async () => {
    const { toBytes, toMillicores } = await import("../../model/quantity");
    expect(Number(env.MEILI_MAX_INDEXING_MEMORY)).toBeLessThanOrEqual(toBytes(limit.memory) / 2);
    expect(Number(env.MEILI_MAX_INDEXING_THREADS)).toBe(Math.max(1, Math.floor(toMillicores(limit.cpu) / 2000)));
    expect(env.MEILI_ENV).toBe(stack === "prod" ? "production" : "development");
  });

  it("keeps its data on the PVC mounted at /meili_data", () => {
    expect(env.MEILI_DB_PATH!.startsWith("/meili_data/")).toBe(true);
    expect(container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/meili_data")).toBeDefined();
    expect(sts.spec.volumeClaimTemplates.map((t: { metadata: { name: string } }) => t.metadata.name)).toContain(
      container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/meili_data").name,
    );
  });
});
