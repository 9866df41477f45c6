// Checks that config/ owns itself: where a credential is stored, which only the stack file knows.
// The derivation checks live beside the components (components/platform/checks.ts gathers them all).
import { plaintextEnvCredentials } from "./credentials";
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";
import type { StackConfig } from "./schema";

/**
 * In prod a credential in any workload's `env` must be encrypted too. `skip`: names already refused
 * (rightsize sets them), so each is reported once.
 */
export function encryptedEnvCredentials(c: StackConfig, secretKeys: ReadonlySet<string>, skip: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const envs = envMaps(c).map(([key, env]): [string, Record<string, string>] => [key, Object.fromEntries(Object.entries(env).filter(([n]) => !skip.has(`${key}.${n}`)))]);
  return plaintextEnvCredentials(envs, c.environment === "prod", secretKeys, c.stack);
}

/** Every workload's `env`, by key path: what reaches a container as a literal. */
export function envMaps(c: StackConfig): [string, Readonly<Record<string, string>>][] {
  return [
    ["web.env", c.web.env],
    ...Object.entries(c.celery?.workers ?? {}).map(([n, p]): [string, Record<string, string>] => [`celery.workers.${n}.env`, p.env]),
    ...(c.celery ? [["celery.beat.env", c.celery.beat.env] as [string, Record<string, string>]] : []),
    ...(c.playwright ? [["playwright.env", c.playwright.env] as [string, Record<string, string>]] : []),
    ...Object.entries(c.extras).map(([n, e]): [string, Record<string, string>] => [`extras.${n}.env`, e.env]),
  ];
}

/** Push credentials for an image build must be stored encrypted in prod. */
export const checkImageSecrets: StackCheck = (c, raw): ConfigIssue[] => {
  const app = c.images.app;
  if (c.environment !== "prod" || typeof app === "string" || !app.build.registry) return [];
  if (raw.secretKeys.has("images")) return [];
  return [
    issue(
      "images.app.build.registry.password",
      "must be stored encrypted in prod: set it with `pulumi config set --secret --path images.app.build.registry.password ...`",
    ),
  ];
};
