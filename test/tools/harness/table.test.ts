import { describe, expect, it } from "vitest";
import { bar, markdownTable, showPercent, textTable } from "../../../tools/harness/table";

describe("textTable", () => {
  it("pads each column to its widest cell, rules the head and trims the line ends", () => {
    expect(textTable(["a", "bb"], [["ccc", "d"], ["e", ""]])).toBe("a    bb\n---  --\nccc  d\ne");
  });
});

describe("markdownTable", () => {
  it("escapes a pipe in a cell", () => {
    expect(markdownTable(["x", "y"], [["a|b", "c"]])).toBe("| x | y |\n| --- | --- |\n| a\\|b | c |");
  });
});

describe("bar and showPercent", () => {
  it("fills in proportion, and says OVER past the whole", () => {
    expect(bar(1, 4, 8)).toBe("[##......]");
    expect(bar(5, 4, 8)).toBe("[########] OVER");
    expect(bar(1, 0, 4)).toBe("[####]");
  });
  it("rounds to a whole percent; no whole gives -", () => {
    expect(showPercent(1, 3)).toBe("33%");
    expect(showPercent(1, 0)).toBe("-");
  });
});
