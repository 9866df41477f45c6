// Runs the program on a stack's config values (read from its file, or edited in memory) and turns a
// config failure into a StackConfigInvalid. The SDK and the program load on the first call, not when
// this module does: plan starts the policy pack before it pays for them.
import { ConfigError } from "../../config/issues";
import { objectSizeProblem } from "../../model/k8s-rules";
import { StackConfigInvalid } from "./errors";
import type { ProgramLoader, ProgramRun } from "./program";
import type { StackFile } from "./stackfile";

export async function runStack(file: StackFile, load?: ProgramLoader): Promise<ProgramRun> {
  const { kubernetesObjects, runProgram } = await import("./program");
  let run: ProgramRun;
  try {
    run = await runProgram(file, load);
  } catch (e) {
    const detail = (e as { detail?: unknown }).detail;
    const registered = (e as { registered?: string[] }).registered ?? [];
    if (detail instanceof ConfigError && registered.length > 0) {
      // Nothing half-applied: a config error after a registration is a bug in the program, not in the config.
      throw new Error(`the stack config is invalid, yet ${registered.length} resource(s) registered first (${registered.slice(0, 3).join(", ")})`);
    }
    if (detail instanceof ConfigError) throw new StackConfigInvalid(detail.message);
    throw e;
  }
  // A value from the stack file (a long env value, say) can make an object etcd will not store.
  const tooLarge = kubernetesObjects(run).flatMap((o) => {
    const why = objectSizeProblem(o as Parameters<typeof objectSizeProblem>[0]);
    return why ? [`  ${o.kind}/${o.metadata?.name}: ${why}; shorten what the stack file puts in it`] : [];
  });
  if (tooLarge.length > 0) {
    throw new StackConfigInvalid(`Pulumi.${file.stack}.yaml: ${tooLarge.length === 1 ? "an object is" : "objects are"} too large for Kubernetes:\n${tooLarge.join("\n")}`);
  }
  return run;
}
