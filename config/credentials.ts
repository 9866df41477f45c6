// The credentials a stack must give, by key path. One list for the three places that need it: the error
// for a missing one (with the command that sets it), the prod rule that each is stored encrypted, and the
// offline runner's placeholders for a stack file that does not carry them (the shipped Pulumi.prod.yaml).
import { type ConfigIssue, issue } from "./issues";

/** Dotted paths of the required credentials, given the raw `rightsize:` values (a cache adds its own). */
export function credentialPaths(values: Record<string, unknown>): string[] {
  const redis = values.redis;
  const cache = redis !== null && typeof redis === "object" && (redis as Record<string, unknown>).cache !== undefined;
  return ["postgres.password", "redis.broker.password", ...(cache ? ["redis.cache.password"] : []), "meilisearch.masterKey"];
}

/** `pulumi config set` for one credential: `--secret` in prod, where it must be encrypted. */
export function setCommand(path: string, stack: string, prod: boolean): string {
  return `pulumi config set${prod ? " --secret" : ""} --path ${path} <value> -s ${stack}`;
}

/** Whether a stack is prod before its config has parsed: the `environment` key, else the stack's name. */
export function isProdStack(values: Record<string, unknown>, stack: string): boolean {
  return typeof values.environment === "string" ? values.environment === "prod" : stack.startsWith("prod");
}

/** A missing credential's "is required" names it as one and gives the command that sets it. */
export function explainMissingCredentials(issues: ConfigIssue[], values: Record<string, unknown>, stack: string): ConfigIssue[] {
  const paths = new Set(credentialPaths(values));
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
export function unencryptedCredentials(values: Record<string, unknown>, prod: boolean, secretKeys: ReadonlySet<string>): ConfigIssue[] {
  if (!prod) return [];
  return credentialPaths(values)
    .filter((p) => !secretKeys.has(p.split(".")[0]!))
    .map((p) => issue(p, `must be stored encrypted in prod: set it with \`pulumi config set --secret --path ${p} ...\``));
}
