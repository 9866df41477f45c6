// The only file that reads pulumi.Config. It hands the raw `rightsize:` values to the pure parser and
// turns problems into one error that lists them all, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./issues";
import { parseStackConfig } from "./parse";
import { rawStackFrom, type RawStack, type StackCheck } from "./raw";
import type { StackConfig } from "./schema";

export { NAMESPACE } from "./raw";

export function readRawStack(): RawStack {
  return rawStackFrom(pulumi.getStack(), pulumi.runtime.allConfig(), isSecret);
}

/**
 * Whether the stack file stores a key encrypted. The SDK exports this at run time but marks it internal;
 * PULUMI_CONFIG_SECRET_KEYS is what the CLI sets, so fall back to it.
 */
function isSecret(fullKey: string): boolean {
  const fn = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  if (fn) return fn(fullKey);
  try {
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
    return Array.isArray(keys) && keys.includes(fullKey);
  } catch {
    return false;
  }
}

/**
 * A RunError, so the Pulumi CLI prints the list without a stack trace; `issues` lets the offline
 * runner exit 2 with the same lines.
 */
export class StackConfigError extends pulumi.RunError {
  constructor(readonly detail: ConfigError) {
    super(detail.message);
    this.name = "StackConfigError";
  }
}

/** `checks`: the program's cross-field checks (components/platform/checks.ts), run after the shapes. */
export function loadStackConfig(checks: readonly StackCheck[]): StackConfig {
  const raw = readRawStack();
  const result = parseStackConfig(raw, checks);
  if (!result.ok) throw new StackConfigError(new ConfigError(`Pulumi.${raw.stack}.yaml`, result.issues));
  return result.config;
}
