// The whole stack's shape: one key per concern under `rightsize:`. test/config/parse.test.ts covers the
// parse with the program's checks; here the schema alone.
import { describe, expect, it } from "vitest";
import { stackSchema } from "../../../config/schema";
import { baseValues, set } from "../../helpers/stack";
import { parsedAt, problemsAt, shapeProblems } from "../../helpers/schema";

describe("stack schema", () => {
  it("has one key per concern", () => {
    expect(Object.keys(stackSchema.shape)).toEqual(["environment", "namespace", "nodeBudget", "images", "web", "postgres", "redis", "meilisearch", "celery", "playwright", "extras"]);
  });

  it("takes the baseline with the namespace, web and extras filled in, and no Celery or browser", () => {
    const { namespace: _n, ...noNamespace } = baseValues();
    const c = parsedAt("web", undefined);
    expect(c.web.replicas).toBe(2);
    expect(c.extras).toEqual({});
    expect(c.celery).toBeUndefined();
    expect(c.playwright).toBeUndefined();
    expect(stackSchema.parse(noNamespace).namespace).toBe("rightsize");
  });

  it("names every missing key at once, credentials with how to set them", () => {
    expect(shapeProblems({})).toEqual([
      "nodeBudget: is required",
      "images: is required",
      "postgres.password: is required: a credential; set it with `pulumi config set --path postgres.password <value> -s dev`",
      "redis.broker.password: is required: a credential; set it with `pulumi config set --path redis.broker.password <value> -s dev`",
      "meilisearch.masterKey: is required: a credential; set it with `pulumi config set --path meilisearch.masterKey <value> -s dev`",
    ]);
  });

  it("takes dev or prod as the environment, or none", () => {
    expect(parsedAt("environment", "prod").environment).toBe("prod");
    expect(problemsAt("environment", "staging")).toEqual(['environment: must be one of "dev", "prod" (got "staging")']);
  });

  it("takes a namespace of a DNS label, at most 63 characters", () => {
    expect(problemsAt("namespace", "a".repeat(63))).toEqual([]);
    expect(problemsAt("namespace", "a".repeat(64))).toEqual([`namespace: must be no more than 63 characters (a DNS label) (got "${"a".repeat(64)}")`]);
    expect(problemsAt("namespace", "-x")).toEqual(["namespace: must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit (got \"-x\")"]);
  });

  it("wants maps where the stack keeps collections", () => {
    expect(problemsAt("extras", [])).toEqual(["extras: must be a map of keys (got [])"]);
    expect(problemsAt("celery", null)).toEqual(["celery: must be a map of keys (got null)"]);
  });

  it("suggests the nearest top-level key", () => {
    expect(shapeProblems(set(baseValues(), "nodebudget", {}))).toEqual(["nodebudget: unknown key (did you mean nodeBudget?)"]);
    expect(problemsAt("celary", {})).toEqual(["celary: unknown key (did you mean celery?)"]);
  });
});
