import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingSecretsNote } from "../../tools/cli";
import { readStackFile } from "../../tools/stackfile";
import { ROOT } from "../helpers/run";

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
