// rightsize-disallow-literal-secrets: one change from the compliant baseline, one finding with the exact
// message, which never repeats the secret.
import { describe, expect, it } from "vitest";
import { secretName, urlPassword } from "../../policies/rightsize-disallow-literal-secrets";
import { type Case, eachCase, evaluate, one } from "../helpers/policy";
import { changed, main, withUser } from "./fixtures";

const POLICY = "rightsize-disallow-literal-secrets";
const env = (...vars: { name: string; value?: string; valueFrom?: unknown }[]) => (o: any) => (main(o).env = vars);

const cases: Case[] = [
  [
    "SECRET_KEY written into the web pod",
    () => changed("Deployment", "web", env({ name: "SECRET_KEY", value: "django-insecure-0123456789" })),
    one(POLICY, "mandatory", "Deployment/web", "Deployment web: container web: env SECRET_KEY has a literal value (26 characters); take it from a Secret with valueFrom.secretKeyRef"),
  ],
  [
    "a DATABASE_URL with its password",
    () => changed("Deployment", "celery-worker", env({ name: "DATABASE_URL", value: "postgresql://app:hunter2@postgres:5432/app" })),
    one(
      POLICY,
      "mandatory",
      "Deployment/celery-worker",
      "Deployment celery-worker: container worker: env DATABASE_URL is a URL with a literal password (postgresql://app:***@postgres:5432/app); take the password from a Secret (valueFrom.secretKeyRef) and write it as $(VAR)",
    ),
  ],
  [
    "a broker URL with a password and no user",
    () => changed("Deployment", "celery-beat", env({ name: "CELERY_BROKER_URL", value: "redis://:s3cret@redis-broker:6379/0" })),
    one(
      POLICY,
      "mandatory",
      "Deployment/celery-beat",
      "Deployment celery-beat: container beat: env CELERY_BROKER_URL is a URL with a literal password (redis://:***@redis-broker:6379/0); take the password from a Secret (valueFrom.secretKeyRef) and write it as $(VAR)",
    ),
  ],
  [
    "a master key in a StatefulSet",
    () => changed("StatefulSet", "postgres", env({ name: "MEILI_MASTER_KEY", value: "abc" })),
    one(POLICY, "mandatory", "StatefulSet/postgres", "StatefulSet postgres: container postgres: env MEILI_MASTER_KEY has a literal value (3 characters); take it from a Secret with valueFrom.secretKeyRef"),
  ],
  [
    "an API token in a CronJob a user adds",
    () => withUser("CronJob", "report", (_, c) => (c.env = [{ name: "slack-api-token", value: "xoxb-1" }])),
    one(POLICY, "mandatory", "CronJob/report", "CronJob report: container main: env slack-api-token has a literal value (6 characters); take it from a Secret with valueFrom.secretKeyRef"),
  ],
];

describe(POLICY, () => {
  eachCase(cases);

  it("what the components write passes: secretKeyRef variables and URLs built from $(VAR) references", async () => {
    const objects = changed(
      "Deployment",
      "web",
      env(
        { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "postgres-credentials", key: "password" } } },
        { name: "DATABASE_URL", value: "postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/app" },
        { name: "CELERY_BROKER_URL", value: "redis://:$(REDIS_PASSWORD)@redis-broker:6379/0" },
        { name: "SECRET_KEY", value: "$(DJANGO_SECRET_KEY)" },
        { name: "GOOGLE_APPLICATION_CREDENTIALS", value: "/var/run/secrets/google/key.json" },
        { name: "TOKEN_TTL", value: "3600" },
        { name: "PASSWORD_MIN_LENGTH", value: "12" },
        { name: "PLAYWRIGHT_URL", value: "ws://playwright:3000/chromium" },
        { name: "API_KEY", value: "" },
      ),
    );
    expect(await evaluate(objects)).toEqual([]);
  });

  it("reads names by their words", () => {
    expect(["SECRET_KEY", "DB_PASSWORD", "api-token", "AWS_SECRET_ACCESS_KEY", "STRIPE_API_KEY", "private.key", "OAUTH_CREDENTIALS"].filter(secretName)).toHaveLength(7);
    expect(["KEY", "CACHE_KEY", "MONKEY", "TOKEN_TTL", "SECRET_KEY_FILE", "PASSWORD_MIN_LENGTH", "DATABASE_URL", "AUTHOR"].filter(secretName)).toEqual([]);
  });

  it("masks only a literal password in a URL", () => {
    expect(urlPassword("https://user:pa%40ss@example.com/x")).toBe("https://user:***@example.com/x");
    expect(urlPassword("https://user@example.com/x")).toBeUndefined();
    expect(urlPassword("redis://:$(REDIS_PASSWORD)@redis:6379")).toBeUndefined();
    expect(urlPassword("http://example.com:8080/a@b")).toBeUndefined();
  });
});
