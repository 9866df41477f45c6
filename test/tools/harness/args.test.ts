import { describe, expect, it } from "vitest";
import { parseCommandArgs, PLACEHOLDER_SECRETS } from "../../../tools/harness/args";
import { UsageError } from "../../../tools/harness/cli";

const OPTIONS = { json: { type: "boolean" }, base: { type: "string" }, tag: { type: "string", multiple: true }, ...PLACEHOLDER_SECRETS } as const;
const parse = (argv: string[]) => parseCommandArgs(argv, OPTIONS, 1, "usage: x <stack>");
const problem = (argv: string[]) => {
  try {
    parse(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${argv.join(" ")} parsed`);
};

describe("parseCommandArgs", () => {
  it("takes flags, values in both spellings, repeated multi-value options and the positional", () => {
    const r = parse(["dev", "--json", "--base=ref", "--tag", "a", "--tag", "b", "--placeholder-secrets"]);
    expect(r.positionals).toEqual(["dev"]);
    expect(r.values).toEqual({ json: true, base: "ref", tag: ["a", "b"], "placeholder-secrets": true });
  });

  it("says what is wrong, then the usage line", () => {
    expect(problem(["dev", "--yaml"])).toBe("unknown option --yaml\nusage: x <stack>");
    expect(problem(["dev", "--base"])).toBe("--base needs a value\nusage: x <stack>");
    expect(problem(["dev", "--base", "--json"])).toBe("--base needs a value\nusage: x <stack>");
    expect(problem(["dev", "--json=yes"])).toBe("--json takes no value\nusage: x <stack>");
    expect(problem(["dev", "--base", "a", "--base", "b"])).toBe("--base given 2 times\nusage: x <stack>");
    expect(problem([])).toBe("give one stack\nusage: x <stack>");
    expect(problem(["dev", "prod"])).toBe("give one stack\nusage: x <stack>");
  });
});
