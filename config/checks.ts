// Checks that config/ owns itself: where a credential is stored, which only the stack file knows.
// The derivation checks live beside the components (components/platform/checks.ts gathers them all).
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";
import type { StackConfig } from "./schema";

/**
 * In prod a credential must come from encrypted config. Pulumi marks a whole top-level key secret when any
 * value under it is `secure:`, so that is as fine-grained as this can see.
 */
export function encryptedInProd(topKey: string, paths: (c: StackConfig) => string[]): StackCheck {
  return (c, raw) =>
    c.environment === "prod" && !raw.secretKeys.has(topKey)
      ? paths(c).map((p) => issue(p, `must be stored encrypted in prod: set it with \`pulumi config set --secret --path ${p} ...\``))
      : [];
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
