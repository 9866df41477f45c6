// Checks that config/ owns itself: where a credential is stored, which only the stack file knows.
// The derivation checks live beside the components (components/platform/checks.ts gathers them all).
import { unencryptedCredentials } from "./credentials";
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";

/** In prod every credential must come from encrypted config (config/credentials.ts has the list). */
export const encryptedCredentials: StackCheck = (c, raw) => unencryptedCredentials(raw.values, c.environment === "prod", raw.secretKeys);

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
