import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytes, MiB, millicores } from "../../../model/units";
import { applyToConfig, commandsFor, writeStackFile } from "../../../tools/harness/stackfile-edit";
import { changesOf } from "../../../tools/recommend/config-edit";
import type { Resources } from "../../../tools/recommend/strategy";

const r = (rc: number, rm: number, lc: number, lm: number): Resources => ({
  requests: { cpu: millicores(rc), memory: bytes(rm * MiB) },
  limits: { cpu: millicores(lc), memory: bytes(lm * MiB) },
});

describe("config edits", () => {
  const changes = changesOf("celery.workers.default", r(200, 512, 1000, 1024), r(600, 1280, 1000, 1280));
  it("only the fields that change, as quantities, under the workload's key", () => {
    expect(changes).toEqual([
      { path: "celery.workers.default.resources.requests.cpu", value: "600m", from: "200m" },
      { path: "celery.workers.default.resources.requests.memory", value: "1280Mi", from: "512Mi" },
      { path: "celery.workers.default.resources.limits.memory", value: "1280Mi", from: "1Gi" },
    ]);
    expect(commandsFor("prod", changes)[2]).toBe("pulumi config set --path celery.workers.default.resources.limits.memory 1280Mi -s prod");
  });

  it("in memory: the config values the CLI would hand the program, other keys untouched", () => {
    const file = { stack: "prod", path: "x", secretKeys: [], missingSecrets: [], config: { "rightsize:celery": JSON.stringify({ workers: { default: { queues: ["default"] } } }), "rightsize:namespace": "rightsize" } };
    const edited = applyToConfig(file, changes);
    expect(JSON.parse(edited.config["rightsize:celery"]!)).toEqual({
      workers: { default: { queues: ["default"], resources: { requests: { cpu: "600m", memory: "1280Mi" }, limits: { memory: "1280Mi" } } } },
    });
    expect(edited.config["rightsize:namespace"]).toBe("rightsize");
    expect(JSON.parse(file.config["rightsize:celery"]).workers.default.resources).toBeUndefined();
  });

  it("--write keeps comments, key order, quoting of other values and secure: values", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-edit-"));
    const path = join(dir, "Pulumi.prod.yaml");
    const before = [
      "# the prod stack",
      "config:",
      "  rightsize:web:",
      "    replicas: 2 # two pods",
      "    resources:",
      "      limits:",
      '        cpu: "1"',
      "        memory: 1Gi # sized by hand",
      "  rightsize:postgres:",
      "    password:",
      "      secure: v1:abc",
      "",
    ].join("\n");
    writeFileSync(path, before);
    writeStackFile(path, [
      { path: "web.resources.limits.memory", value: "384Mi" },
      { path: "web.resources.requests.cpu", value: "200m" },
      { path: "web.resources.limits.cpu", value: "2" },
    ]);
    // Only the edited values change (a new requests map goes after limits); every other line stays as it was.
    const after = before
      .replace('        cpu: "1"', '        cpu: "2"')
      .replace("        memory: 1Gi # sized by hand", "        memory: 384Mi # sized by hand\n      requests:\n        cpu: 200m");
    expect(after).not.toBe(before);
    expect(readFileSync(path, "utf8")).toBe(after);
  });
});
