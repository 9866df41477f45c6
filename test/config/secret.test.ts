import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret } from "../../config/secret";

describe("Secret", () => {
  it("never prints its value", () => {
    const s = new Secret("hunter2-hunter2");
    expect(String(s)).toBe("[secret]");
    expect(`${s}`).toBe("[secret]");
    expect(JSON.stringify({ password: s })).toBe('{"password":"[secret]"}');
    expect(inspect({ s })).not.toContain("hunter2");
    expect(s.reveal()).toBe("hunter2-hunter2");
  });
});
