// The command frame: what a failure prints and the exit code it gives (the process itself is run by
// the few end-to-end tests in test/tools/plan/plan.test.ts).
import { describe, expect, it } from "vitest";
import { PathError } from "../../../config/paths";
import { PolicyConfigInvalid } from "../../../tools/capacity/plan-stack";
import { EXIT, failure, UsageError } from "../../../tools/harness/cli";
import { StackConfigInvalid } from "../../../tools/harness/errors";
import { StackFileError } from "../../../tools/harness/stackfile";

describe("failure", () => {
  it("prints an InputError's message as it is, no stack trace, and exits 2", () => {
    for (const e of [new UsageError("usage: x"), new StackConfigInvalid("Pulumi.bad.yaml has 1 problem:\n  web.replicaz: unknown key"), new StackFileError("no file"), new PolicyConfigInvalid("p.json: bad")]) {
      expect(failure(e, true)).toEqual({ code: EXIT.config, stderr: `${e.message}\n` });
    }
  });

  it("prints config/'s PathError (a path the user gave that cannot work) the same way: exit 2", () => {
    const e = new PathError("/dev/zero: cannot read the kubeconfig: it is not a regular file (a device, pipe or socket can block or never end)");
    expect(failure(e, true)).toEqual({ code: EXIT.config, stderr: `${e.message}\n` });
  });

  it("calls anything else an internal error, exit 3, with the trace only when debugging", () => {
    const e = new Error("boom");
    expect(failure(e, false)).toEqual({ code: EXIT.internal, stderr: "rightsize: internal error: boom\n" });
    expect(failure(e, true).stderr).toContain("\n    at ");
  });
});
