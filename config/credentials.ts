// What config/ says about credentials: the error for a missing one (with the command that sets it) and
// the prod rule that each is stored encrypted. Which paths are credentials the component descriptors say
// (components/registry.ts credentialPaths); the program hands them in (config/raw.ts StackRules). A
// credential can also arrive through a workload's `env`: in prod that must be encrypted too.
import { type ConfigIssue, issue } from "./issues";
import type { StackCheck } from "./raw";
import type { StackConfig } from "./schema";

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
