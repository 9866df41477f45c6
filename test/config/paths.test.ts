// Paths from the command line: refused at once, naming the path and the reason, never a hang.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PathError, prepareOutputDir, readUserFile } from "../../config/paths";

const tmp = () => mkdtempSync(join(tmpdir(), "rightsize-paths-"));
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PathError);
    return (e as Error).message;
  }
  throw new Error("expected a PathError");
};

describe("prepareOutputDir", () => {
  it("refuses /proc and /sys at once (Node's recursive mkdir loops forever under /proc)", () => {
    const started = Date.now();
    expect(refusal(() => prepareOutputDir("/proc/rightsize-out"))).toBe(
      "/proc/rightsize-out: cannot use it as the output folder: it is in /proc, a kernel filesystem where rendered files cannot be written",
    );
    expect(refusal(() => prepareOutputDir("/sys/rightsize/out"))).toBe(
      "/sys/rightsize/out: cannot use it as the output folder: it is in /sys, a kernel filesystem where rendered files cannot be written",
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses a path under a file, and a file, naming which part is the file", () => {
    const dir = tmp();
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    expect(refusal(() => prepareOutputDir(join(file, "out", "deeper")))).toBe(`${join(file, "out", "deeper")}: cannot use it as the output folder: ${file} is a file, not a folder`);
    expect(refusal(() => prepareOutputDir(file))).toBe(`${file}: cannot use it as the output folder: it is a file, not a folder`);
  });

  it("creates missing parents one level at a time, and accepts a folder that exists", () => {
    const dir = tmp();
    prepareOutputDir(join(dir, "a", "b", "c"));
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["c"]);
    prepareOutputDir(join(dir, "a", "b", "c"));
  });
});

describe("readUserFile", () => {
  it("refuses a device, a pipe, a folder, /proc and a missing file without reading", () => {
    expect(refusal(() => readUserFile("/dev/zero", "policy config"))).toBe(
      "/dev/zero: cannot read the policy config: it is not a regular file (a device, pipe or socket can block or never end)",
    );
    const fifo = join(tmp(), "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(refusal(() => readUserFile(fifo, "usage file"))).toContain("it is not a regular file");
    expect(refusal(() => readUserFile(tmpdir(), "stack file"))).toBe(`${tmpdir()}: cannot read the stack file: it is a folder, not a file`);
    expect(refusal(() => readUserFile("/proc/self/status", "policy config"))).toBe("/proc/self/status: cannot read the policy config: it is in /proc, a kernel filesystem, not a file of data");
    expect(refusal(() => readUserFile("/no/such/file", "policy config"))).toBe("/no/such/file: cannot read the policy config: no such file or folder (ENOENT)");
  });

  it("refuses a file above its size bound, and reads one within it", () => {
    const file = join(tmp(), "big.json");
    writeFileSync(file, "x".repeat(11));
    expect(refusal(() => readUserFile(file, "usage file", 10))).toBe(`${file}: cannot read the usage file: it is 11 bytes, more than the 10 a usage file may be`);
    expect(readUserFile(file, "usage file", 11)).toBe("x".repeat(11));
  });
});
