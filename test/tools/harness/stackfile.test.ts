import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingSecretsNote } from "../../../tools/harness/cli";
import { readStackFile, StackFileError } from "../../../tools/harness/stackfile";
import { ROOT } from "../../helpers/run";

describe("readStackFile and credentials", () => {
  it("the shipped Pulumi.prod.yaml carries no secure: value", () => {
    const f = readStackFile("prod", ROOT);
    expect(f.secretKeys).toEqual([]);
    expect(f.missingSecrets).toEqual([]);
    expect(JSON.parse(f.config["rightsize:postgres"]!).password).toBeUndefined();
  });

  it("with placeholderSecrets, gives each missing credential a placeholder stored as a secret", () => {
    const f = readStackFile("prod", ROOT, { placeholderSecrets: true });
    expect(f.missingSecrets).toEqual(["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]);
    expect(f.secretKeys.sort()).toEqual(["rightsize:meilisearch", "rightsize:postgres", "rightsize:redis"]);
    expect(JSON.parse(f.config["rightsize:redis"]!).cache.password).toBe("placeholder-secret-for-redis.cache.password");
    expect(JSON.parse(f.config["rightsize:redis"]!).cache.role).toBe("cache");
  });

  it("keeps a credential the file sets, encrypted or not", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-stackfile-"));
    writeFileSync(join(dir, "Pulumi.x.yaml"), "config:\n  rightsize:postgres:\n    password:\n      secure: v1:abc\n  rightsize:meilisearch:\n    masterKey: plain-dev-master-key\n");
    const f = readStackFile("x", dir, { placeholderSecrets: true });
    expect(f.missingSecrets).toEqual(["redis.broker.password"]);
    expect(JSON.parse(f.config["rightsize:postgres"]!).password).toBe("placeholder-secret-for-postgres.password");
    expect(JSON.parse(f.config["rightsize:meilisearch"]!).masterKey).toBe("plain-dev-master-key");
    expect(missingSecretsNote(f)).toBe(
      "Pulumi.x.yaml sets no redis.broker.password: placeholders used (--placeholder-secrets). Before `pulumi up -s x`:\n  pulumi config set --path redis.broker.password <value> -s x\n",
    );
  });
});

describe("readStackFile and hand-edit mistakes", () => {
  const write = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-stackfile-"));
    writeFileSync(join(dir, "Pulumi.x.yaml"), text);
    return dir;
  };
  const error = (text: string) => {
    try {
      readStackFile("x", write(text));
    } catch (e) {
      if (e instanceof StackFileError) return e.message;
      throw e;
    }
    return "no error";
  };

  it("names a duplicated key's path and both lines", () => {
    const text = "config:\n  rightsize:web:\n    replicas: 1\n    port: 8000\n    replicas: 3\n  kubernetes:context: a\n";
    expect(error(text)).toBe("Pulumi.x.yaml: config.rightsize:web.replicas is set twice, at line 3 and line 5; keep one of each");
  });

  it("names every duplicate, a top-level one too", () => {
    const text = "config:\n  rightsize:namespace: a\n  rightsize:namespace: b\nconfig:\n  x: 1\n";
    expect(error(text)).toBe("Pulumi.x.yaml: config is set twice, at line 1 and line 4; config.rightsize:namespace is set twice, at line 2 and line 3; keep one of each");
  });

  it("says that keys sit outside config: instead of reporting them all as missing", () => {
    const text = "rightsize:nodeBudget:\n  nodes: 1\nrightsize:web:\n  replicas: 1\n";
    expect(error(text)).toBe(
      "Pulumi.x.yaml: rightsize:nodeBudget, rightsize:web sit at the top of the file, outside `config:`, where Pulumi does not read stack config; indent them under a `config:` key",
    );
  });

  it("accepts Pulumi's own top-level keys", () => {
    const dir = write("secretsprovider: awskms://alias/x\nencryptedkey: abc\nenvironment: [team/prod]\nconfig:\n  rightsize:namespace: a\n");
    expect(readStackFile("x", dir).config["rightsize:namespace"]).toBe("a");
  });

  it("refuses an alias bomb at once, naming the file", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    // Nine levels of nine aliases each: 9^9 strings if expanded.
    for (const l of "bcdefghi") levels.push(`${l}: &${l} [${Array(9).fill(`*${String.fromCharCode(l.charCodeAt(0) - 1)}`).join(", ")}]`);
    const started = Date.now();
    expect(error(`config:\n${levels.map((l) => `  ${l}`).join("\n")}\n`)).toBe(
      "Pulumi.x.yaml: not a valid stack file: its aliases expand too far (more than 100 times, or nested too deep); write the values out",
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("resolves merge keys (<<: *anchor) as the Pulumi CLI does", () => {
    const dir = write("config:\n  rightsize:web:\n    resources:\n      limits: &lim {cpu: '1', memory: 1Gi}\n      requests:\n        <<: *lim\n        cpu: 500m\n");
    expect(JSON.parse(readStackFile("x", dir).config["rightsize:web"]!)).toEqual({ resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } } });
  });

  it("refuses a stack file that is not a regular file, without reading it", () => {
    const dir = mkdtempSync(join(tmpdir(), "rightsize-stackfile-"));
    symlinkSync("/dev/zero", join(dir, "Pulumi.x.yaml"));
    expect(() => readStackFile("x", dir)).toThrow(`${join(dir, "Pulumi.x.yaml")}: cannot read the stack file: it is not a regular file (a device, pipe or socket can block or never end)`);
  });

  it("still reports other YAML errors with yaml's first line", () => {
    expect(error("config: [\n")).toMatch(/^Pulumi\.x\.yaml: not valid YAML: /);
  });
});
