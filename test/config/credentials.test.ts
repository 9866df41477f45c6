import { describe, expect, it } from "vitest";
import { environmentOf } from "../../config/credentials";
import { baseValues, PROD_SECRET_KEYS, problems, set } from "../helpers/stack";

describe("credentials", () => {
  // Which paths are credentials is the descriptors' to say: test/components/registry.test.ts.
  it("prod is the environment key when it is dev or prod, else a stack name starting with prod", () => {
    expect(environmentOf("prod", "dev")).toBe("prod");
    expect(environmentOf("dev", "prod")).toBe("dev");
    expect(environmentOf(undefined, "prod-eu")).toBe("prod");
    expect(environmentOf(undefined, "staging")).toBe("dev");
    // A wrong environment value is the schema's to report; it never makes a stack prod by its name.
    expect(environmentOf("staging", "prod")).toBe("dev");
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
