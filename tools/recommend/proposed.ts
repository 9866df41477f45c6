// The proposed stack's plan, in its own process: the program loads once per process, and the current
// stack's plan already ran in the parent. Started early, it loads the SDK while the parent plans the
// current stack and queries Prometheus; then it reads {file, given, policyConfigPath, packPort} on stdin,
// runs plan's exchange on the parent's policy pack (the same pack, configured again as the CLI would) and
// writes {code, plan?} on stdout. Config problems go to stderr, as plan prints them.
import { EXIT } from "../harness/cli";
import { attachPolicyPack } from "../harness/pack-process";
import { exitCodeOf, planStack } from "../plan";

async function readStdin(): Promise<string> {
  let s = "";
  for await (const chunk of process.stdin) s += String(chunk);
  return s;
}

async function proposed(): Promise<void> {
  // Warm the SDK while the parent works.
  const warm = import("../harness/program");
  const input = JSON.parse(await readStdin()) as { file?: Parameters<typeof planStack>[1]; given: Parameters<typeof planStack>[2]; policyConfigPath?: string; packPort: number };
  if (!input.file) {
    process.stdout.write(JSON.stringify({ code: EXIT.ok }));
    return;
  }
  await warm;
  const pack = attachPolicyPack(input.packPort);
  try {
    const r = await planStack(pack, input.file, input.given, input.policyConfigPath);
    process.stdout.write(JSON.stringify(typeof r === "number" ? { code: r } : { code: exitCodeOf(r.plan), plan: r.plan }));
  } finally {
    pack.close();
  }
}

proposed().catch((e: unknown) => {
  process.stderr.write(`rightsize: internal error in the proposed stack's plan: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = EXIT.internal;
});
