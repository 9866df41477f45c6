// What config/ says about credentials: the error for a missing one (with the command that sets it) and
// the prod rule that each is stored encrypted. Which paths are credentials the component descriptors say
// (components/registry.ts credentialPaths); the program hands them in (config/raw.ts StackRules).
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";

/** `pulumi config set` for one credential: `--secret` in prod, where it must be encrypted. */
export function setCommand(path: string, stack: string, prod: boolean): string {
  return `pulumi config set${prod ? " --secret" : ""} --path ${path} <value> -s ${stack}`;
}

/**
 * The stack's environment, the one rule for "is this stack prod": the `environment` key when it is one
 * of the two, else the stack's name (prod, prod-eu, ... are prod).
 */
export function environmentOf(environment: unknown, stack: string): "dev" | "prod" {
  if (environment === "prod" || environment === "dev") return environment;
  return typeof environment !== "string" && stack.startsWith("prod") ? "prod" : "dev";
}

/** Whether a stack is prod before its config has parsed. */
export function isProdStack(values: Record<string, unknown>, stack: string): boolean {
  return environmentOf(values.environment, stack) === "prod";
}

/** A missing credential's "is required" names it as one and gives the command that sets it. */
export function explainMissingCredentials(issues: ConfigIssue[], credentials: readonly string[], values: Record<string, unknown>, stack: string): ConfigIssue[] {
  const paths = new Set(credentials);
  const prod = isProdStack(values, stack);
  return issues.map((i) =>
    paths.has(i.path) && !i.hasValue && i.message === "is required"
      ? issue(i.path, `is required: a credential${prod ? ", stored encrypted in prod" : ""}; set it with \`${setCommand(i.path, stack, prod)}\``)
      : i,
  );
}

/**
 * In prod every credential must come from encrypted config. Pulumi marks a whole top-level key secret
 * when any value under it is `secure:`, so that is as fine-grained as this can see.
 */
export function unencryptedCredentials(credentials: readonly string[], prod: boolean, secretKeys: ReadonlySet<string>): ConfigIssue[] {
  if (!prod) return [];
  return credentials
    .filter((p) => !secretKeys.has(p.split(".")[0]!))
    .map((p) => issue(p, `must be stored encrypted in prod: set it with \`pulumi config set --secret --path ${p} ...\``));
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
