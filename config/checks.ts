// Cross-field checks that need more than one key, or a component's derivation. Each component's pure
// tuning module owns its own rules; this list only gathers them, so they all report at once.
import { checkWeb } from "../components/web/tuning";
import type { ConfigIssue } from "./issues";
import type { RawStack } from "./parse";
import type { StackConfig } from "./schema";

type Check = (c: StackConfig, raw: RawStack) => ConfigIssue[];

const checks: Check[] = [(c) => checkWeb(c.web)];

export function crossChecks(c: StackConfig, raw: RawStack): ConfigIssue[] {
  return checks.flatMap((check) => check(c, raw));
}
