// Policy config as the CLI builds it: file format, defaults first, "all", validation messages.
import { describe, expect, it } from "vitest";
import { parsePolicyConfig, type PolicyMeta, reconcile, validate } from "../../../tools/harness/policy-config";

const POLICIES: PolicyMeta[] = [
  {
    name: "budget",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        nodes: { type: "integer", minimum: 1 },
        reserved: { type: "object", properties: { cpu: { type: "string" } }, required: ["cpu"], additionalProperties: false },
        maxPods: { type: "integer", default: 110 },
      },
    },
  },
  { name: "images", enforcementLevel: "advisory" },
];

describe("the policy config file", () => {
  it("takes a level or an object per policy, as the CLI does", () => {
    expect(parsePolicyConfig('{"images": "mandatory", "budget": {"enforcementLevel": "advisory", "nodes": 3}}', "c.json")).toEqual({
      images: { enforcementLevel: "mandatory" },
      budget: { enforcementLevel: "advisory", properties: { nodes: 3 } },
    });
    expect(parsePolicyConfig("  ", "c.json")).toEqual({});
  });

  it("names the file, the policy and the value when it is wrong", () => {
    expect(() => parsePolicyConfig('{"images": "strict"}', "c.json")).toThrow('c.json: images: "strict" is not a valid enforcement level (advisory, mandatory, remediate, disabled)');
    expect(() => parsePolicyConfig('{"images": 3}', "c.json")).toThrow("c.json: images: 3 is not a valid value; must be a string or object");
    expect(() => parsePolicyConfig("{", "c.json")).toThrow(/^c\.json: not valid JSON/);
  });

  it("refuses a key written twice, which JSON.parse would silently drop", () => {
    const text = '{\n  "budget": {\n    "nodes": 3,\n    "nodes": 30\n  },\n  "budget": "advisory"\n}';
    expect(() => parsePolicyConfig(text, "c.json")).toThrow("c.json: budget is set twice, at line 2 and line 6; budget.nodes is set twice, at line 3 and line 4; keep one of each");
  });
});

describe("reconcile", () => {
  it("fills schema defaults first, then applies the file on top", () => {
    const { config, errors } = reconcile(POLICIES, {}, { budget: { properties: { nodes: 2 } } });
    expect(errors).toEqual([]);
    expect(config.get("budget")).toEqual({ enforcementLevel: "mandatory", properties: { maxPods: 110, nodes: 2 } });
    expect(config.get("images")).toEqual({ enforcementLevel: "advisory" });
  });

  it('"all" sets every level, and a policy\'s own level still wins', () => {
    const { config } = reconcile(POLICIES, {}, { all: { enforcementLevel: "disabled" }, images: { enforcementLevel: "mandatory" } });
    expect([...config.entries()].map(([k, v]) => [k, v.enforcementLevel])).toEqual([
      ["budget", "disabled"],
      ["images", "mandatory"],
    ]);
  });

  it("refuses a policy name the pack does not have, naming the nearest (a typo would drop a pin)", () => {
    expect(reconcile(POLICIES, {}, { budgets: { properties: { nodes: 2 } }, all: { enforcementLevel: "advisory" } }).errors).toEqual(["budgets: no such policy in the pack (did you mean budget?)"]);
    expect(reconcile(POLICIES, {}, { "rightsize-something": { enforcementLevel: "mandatory" } }).errors).toEqual([
      "rightsize-something: no such policy in the pack; its policies are budget, images",
    ]);
  });

  it("reports every schema error as policy: path: message", () => {
    const { errors } = reconcile(POLICIES, {}, { budget: { properties: { nodes: 0, reserved: { memory: "1Gi" } } } });
    expect(errors).toEqual(["budget: nodes: must be >= 1", "budget: reserved: cpu is required", "budget: reserved: additional property memory is not allowed"]);
  });
});

describe("validate", () => {
  it("checks types, enums, patterns and nested items", () => {
    expect(validate({ type: "string", enum: ["a", "b"] }, "c", "x")).toEqual(['x: must be one of ["a","b"]']);
    expect(validate({ type: "number" }, 1, "x")).toEqual([]);
    expect(validate({ type: "integer" }, 1.5, "x")).toEqual(["x: invalid type, expected integer, given number"]);
    expect(validate({ type: "string", pattern: "^[0-9]+m$" }, "5", "x")).toEqual(["x: does not match ^[0-9]+m$"]);
    expect(validate({ type: "array", items: { type: "string" } }, ["a", 2], "x")).toEqual(["x[1]: invalid type, expected string, given integer"]);
  });
});
