// The only file that reads pulumi.Config. It hands the raw `rightsize:` values to the pure parser and
// turns problems into one error that lists them all, before any resource is registered.
import { existsSync, readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { type ConfigIssue, ConfigError, issue } from "./issues";
import { namespaceTypos, outsideConfig } from "./namespace";
import { parseStackConfig } from "./parse";
import { NAMESPACE, rawStackFrom, type RawStack, type StackRules } from "./raw";
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

/**
 * With no `rightsize:` key at all, the likeliest cause is keys written outside `config:`; the CLI never
 * hands those to the program, so look at the stack file itself (the program runs in the project folder).
 */
function strayKeys(stack: string, values: Record<string, unknown>): string | undefined {
  const file = `Pulumi.${stack}.yaml`;
  if (Object.keys(values).length > 0 || !existsSync(file)) return undefined;
  try {
    const root: unknown = parse(readFileSync(file, "utf8"));
    return root && typeof root === "object" && !Array.isArray(root) ? outsideConfig(file, root as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `rules`: the program's cross-field checks and credentials (components/platform/checks.ts). */
export function loadStackConfig(rules: StackRules): StackConfig {
  const raw = readRawStack();
  const stray = strayKeys(raw.stack, raw.values);
  const file = `Pulumi.${raw.stack}.yaml`;
  if (stray) throw new StackConfigError(new ConfigError(file, [issue("config", stray.slice(file.length + 2))]));
  const typos: ConfigIssue[] = namespaceTypos(Object.keys(pulumi.runtime.allConfig()), NAMESPACE);
  const result = parseStackConfig(raw, rules);
  if (!result.ok || typos.length > 0) throw new StackConfigError(new ConfigError(file, [...typos, ...(result.ok ? [] : result.issues)]));
  // Keys that have no effect: Pulumi warnings (the CLI and the offline tools show them), not errors.
  for (const w of rules.warnings?.(result.config, raw) ?? []) pulumi.log.warn(`${file}: ${w}`);
  return result.config;
}
