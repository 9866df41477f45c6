// The proposed stack's plan, in its own process: the program loads once per process, and the current
// stack's plan already ran in the parent. Started early, it loads the SDK while the parent plans the
// current stack and queries Prometheus; then it reads a ProposedInput on stdin, plans it on the parent's
// policy pack (the same pack, configured again as the CLI would) and writes a ProposedOutput on stdout.
import type { Plan } from "../capacity/build-plan";
import { planStack } from "../capacity/plan-stack";
import { InputError } from "../harness/errors";
import { attachPolicyPack } from "../harness/pack-process";
import type { PolicyConfig } from "../harness/policy-config";
import type { StackFile } from "../harness/stackfile";

/** No file: nothing changed, nothing to plan. */
export interface ProposedInput {
  file?: StackFile;
  given?: Record<string, PolicyConfig>;
  policyConfigPath?: string;
  packPort?: number;
}

/** The plan, or the message of the InputError that stopped it (the stack or policy config is invalid). */
export interface ProposedOutput {
  plan?: Plan;
  inputError?: string;
}

async function readStdin(): Promise<string> {
  let s = "";
  for await (const chunk of process.stdin) s += String(chunk);
  return s;
}

async function proposed(): Promise<ProposedOutput> {
  // Warm the SDK while the parent works.
  const warm = import("../harness/program");
  const input = JSON.parse(await readStdin()) as ProposedInput;
  if (!input.file) return {};
  await warm;
  const pack = attachPolicyPack(input.packPort!);
  try {
    return { plan: (await planStack(pack, input.file, input.given ?? {}, input.policyConfigPath ? { policyConfigPath: input.policyConfigPath } : {})).plan };
  } catch (e) {
    if (e instanceof InputError) return { inputError: e.message };
    throw e;
  } finally {
    pack.close();
  }
}

if (require.main === module) {
  proposed().then(
    (out) => process.stdout.write(JSON.stringify(out)),
    (e: unknown) => {
      process.stderr.write(`rightsize: internal error in the proposed stack's plan: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
