// Checks that config/ owns itself: where a credential is stored, which only the stack file knows.
// The derivation checks live beside the components (components/platform/checks.ts gathers them all).
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";

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
