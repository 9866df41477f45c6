import { describe, expect, it } from "vitest";
import { credentialReason, environmentOf } from "../../config/credentials";
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

  it("knows a credential in env by a URL's password or by its name, not by a reference or a number", () => {
    expect(credentialReason("DATABASE_URL", "postgresql://app:hunter2@db:5432/app")).toBe("a URL with a password");
    expect(credentialReason("BROKER", "redis://:s3cret@redis:6379/0")).toBe("a URL with a password");
    for (const name of ["POSTGRES_PASSWORD", "SECRET_KEY", "API_TOKEN", "STRIPE_KEY", "aws.secret-access", "DB_PASSWD", "GCP_CREDENTIALS"]) expect(credentialReason(name, "abc"), name).toBe("its name says it is one");
    expect(credentialReason("CELERY_BROKER_URL", "redis://:$(REDIS_PASSWORD)@redis-broker:6379/0")).toBeUndefined();
    expect(credentialReason("API_TOKEN", "$(TOKEN_FROM_SECRET)")).toBeUndefined();
    expect(credentialReason("TOKEN_TTL", "3600")).toBeUndefined();
    expect(credentialReason("KEYBOARD", "us")).toBeUndefined();
    expect(credentialReason("SITE_URL", "https://example.com/a:b@c")).toBeUndefined();
  });

  const prod = (v: Record<string, unknown>) => set(v, "environment", "prod");
  it("in prod, a credential in any workload's env must be encrypted, and its value is never shown", () => {
    let v = prod(set(baseValues(), "web.env", { SENTRY_DSN: "https://key:hunter2@sentry.example.com/1", LOG_LEVEL: "info" }));
    v = set(v, "playwright", { env: { TOKEN: "browserless-token-1" } });
    v = set(v, "celery", { workers: { a: { env: { AWS_SECRET_ACCESS_KEY: "abc" } } }, beat: { env: { X_API_KEY: "k" } } });
    const got = problems(v, "prod", PROD_SECRET_KEYS);
    expect(got).toEqual([
      "web.env.SENTRY_DSN: carries a credential (a URL with a password) in plain text; in prod store it encrypted: `pulumi config set --secret --path web.env.SENTRY_DSN <value> -s prod`",
      "celery.workers.a.env.AWS_SECRET_ACCESS_KEY: carries a credential (its name says it is one) in plain text; in prod store it encrypted: `pulumi config set --secret --path celery.workers.a.env.AWS_SECRET_ACCESS_KEY <value> -s prod`",
      "celery.beat.env.X_API_KEY: carries a credential (its name says it is one) in plain text; in prod store it encrypted: `pulumi config set --secret --path celery.beat.env.X_API_KEY <value> -s prod`",
      "playwright.env.TOKEN: carries a credential (its name says it is one) in plain text; in prod store it encrypted: `pulumi config set --secret --path playwright.env.TOKEN <value> -s prod`",
    ]);
    expect(got.join("\n")).not.toMatch(/hunter2|browserless-token-1/);
  });

  it("accepts them encrypted in prod, and in plain text in dev", () => {
    const v = set(baseValues(), "web.env", { API_TOKEN: "abc" });
    expect(problems(prod(v), "prod", [...PROD_SECRET_KEYS, "web"])).toEqual([]);
    expect(problems(v)).toEqual([]);
  });

  it("reports a variable rightsize sets once, as that, not also as a credential", () => {
    expect(problems(prod(set(baseValues(), "web.env", { POSTGRES_PASSWORD: "plaintext-prod-password" })), "prod", PROD_SECRET_KEYS)).toEqual([
      "web.env.POSTGRES_PASSWORD: is set by rightsize (the database and Celery client variables); remove it from env",
    ]);
  });
});
