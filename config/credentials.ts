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

/** Names that say a variable holds a credential: *PASSWORD*, *PASSWD*, *SECRET*, *TOKEN*, *_KEY, *CREDENTIAL*. */
const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY$/;
/** `scheme://user:password@host`: the userinfo of a URL with a password (RFC 3986 section 3.2.1). */
const URL_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@\s]*?:([^/?#@\s]+)@/;
/** Only `$(VAR)` references (Kubernetes expands them from other variables, such as a secretKeyRef). */
const ONLY_REFERENCES = /^(\$\([-._a-zA-Z][-._a-zA-Z0-9]*\))+$/;

/**
 * Why a variable's value is a credential, or undefined: a URL with a literal password, or a credential's
 * name with a value that is neither empty, a number, a boolean nor only `$(VAR)` references.
 */
export function credentialReason(name: string, value: string): string | undefined {
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !ONLY_REFERENCES.test(password)) return "a URL with a password";
  const v = value.trim();
  if (v === "" || ONLY_REFERENCES.test(v) || /^(\d+|true|false|yes|no)$/i.test(v)) return undefined;
  return CREDENTIAL_NAME.test(name.toUpperCase().replace(/[-.]/g, "_")) ? "its name says it is one" : undefined;
}

export const looksLikeCredential = (name: string, value: string): boolean => credentialReason(name, value) !== undefined;

/**
 * In prod a credential in a workload's `env` must come from encrypted config, like every other credential.
 * `envs` are the env maps by key path (`web.env`, `extras.flower.env`, ...); as for the credentials above,
 * the top-level key being secret is as fine-grained as the program can see.
 */
export function plaintextEnvCredentials(envs: readonly [string, Readonly<Record<string, string>>][], prod: boolean, secretKeys: ReadonlySet<string>, stack: string): ConfigIssue[] {
  if (!prod) return [];
  const out: ConfigIssue[] = [];
  for (const [key, env] of envs) {
    if (secretKeys.has(key.split(".")[0]!)) continue;
    for (const [name, value] of Object.entries(env)) {
      const why = credentialReason(name, value);
      if (why) out.push(issue(`${key}.${name}`, `carries a credential (${why}) in plain text; in prod store it encrypted: \`${setCommand(`${key}.${name}`, stack, true)}\``));
    }
  }
  return out;
}
