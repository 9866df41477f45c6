import { describe, expect, it } from "vitest";
import { credentialPaths } from "../../config/credentials";
import { baseValues, PROD_SECRET_KEYS, problems, set } from "../helpers/stack";

describe("credentials", () => {
  it("are postgres', the broker's, a cache's when there is one, and Meilisearch's", () => {
    expect(credentialPaths({})).toEqual(["postgres.password", "redis.broker.password", "meilisearch.masterKey"]);
    expect(credentialPaths({ redis: { cache: {} } })).toEqual(["postgres.password", "redis.broker.password", "redis.cache.password", "meilisearch.masterKey"]);
  });

  it("a missing one in prod names the key and the `--secret` command for that stack", () => {
    expect(problems(set(baseValues(), "postgres.password", undefined), "prod-eu", PROD_SECRET_KEYS)).toEqual([
      "postgres.password: is required: a credential, stored encrypted in prod; set it with `pulumi config set --secret --path postgres.password <value> -s prod-eu`",
    ]);
  });

  it("follows `environment` over the stack's name", () => {
    const v = set(set(baseValues(), "environment", "prod"), "meilisearch.masterKey", undefined);
    expect(problems(v, "staging", PROD_SECRET_KEYS)).toEqual([
      "meilisearch.masterKey: is required: a credential, stored encrypted in prod; set it with `pulumi config set --secret --path meilisearch.masterKey <value> -s staging`",
    ]);
  });

  it("leaves other required keys' message alone", () => {
    expect(problems(set(baseValues(), "nodeBudget", undefined))).toEqual(["nodeBudget: is required"]);
  });
});
