// Cross-field checks that need more than one key, or a component's derivation. Each component's pure
// tuning module owns its own rules; this list only gathers them, so they all report at once.
import { checkCelery } from "../components/celery/tuning";
import { checkExtras } from "../components/extras/tuning";
import { checkPlaywright } from "../components/playwright/tuning";
import { checkWeb } from "../components/web/tuning";
import { type ConfigIssue, issue } from "./issues";
import type { RawStack } from "./parse";
import type { StackConfig } from "./schema";

type Check = (c: StackConfig, raw: RawStack) => ConfigIssue[];

/** Push credentials for an image build must be stored encrypted in prod. */
function checkImageSecrets(c: StackConfig, raw: RawStack): ConfigIssue[] {
  const app = c.images.app;
  if (c.environment !== "prod" || typeof app === "string" || !app.build.registry) return [];
  if (raw.secretKeys.has("images")) return [];
  return [
    issue(
      "images.app.build.registry.password",
      "must be stored encrypted in prod: set it with `pulumi config set --secret --path images.app.build.registry.password ...`",
    ),
  ];
}

const checks: Check[] = [
  (c) => checkWeb(c.web),
  (c) => checkCelery(c.celery),
  (c) => checkPlaywright(c.playwright),
  (c) => checkExtras(c),
  checkImageSecrets,
];

export function crossChecks(c: StackConfig, raw: RawStack): ConfigIssue[] {
  return checks.flatMap((check) => check(c, raw));
}
