// plan's exit code from what it found: the entry's choice, kept apart so it is tested without a process.
import type { Plan } from "../capacity/build-plan";
import { violatesMandatory } from "../capacity/plan-stack";
import { EXIT } from "../harness/cli";
import { pendingAcknowledgements } from "./changes-report";
import type { Change } from "./replacements";

/** 1 when a mandatory policy is violated or, with --base, a data-bearing replacement is not acknowledged; else 0. */
export function planExitCode(plan: Plan, changes?: readonly Change[]): number {
  if (violatesMandatory(plan)) return EXIT.violation;
  return changes && pendingAcknowledgements(changes).length > 0 ? EXIT.violation : EXIT.ok;
}
