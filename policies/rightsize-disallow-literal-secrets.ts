// A credential written into a pod spec is readable by anyone who may read the workload, sits in the
// Pulumi state in plain text and shows in every diff. Env values that look like one are rejected: a
// variable named like a secret (SECRET_KEY, DB_PASSWORD, API_TOKEN) with a literal value, or a URL with a
// password in it. A value made only of $(VAR) references is fine: the variable it names comes from a
// Secret. Messages never repeat the secret: a name's value is given by its length, a URL's password as ***.
import { workloadPolicy } from "./lib/policy";

const SECRET_WORDS = ["SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"];
/** Second words that make a secret of KEY: API_KEY, PRIVATE_KEY, ACCESS_KEY, MASTER_KEY, SIGNING_KEY. */
const KEY_KINDS = ["API", "PRIVATE", "ACCESS", "MASTER", "SIGNING", "ENCRYPTION"];
/** A name ending like this holds something about the secret, not the secret: SECRET_KEY_FILE, TOKEN_TTL. */
const NOT_THE_SECRET = ["FILE", "PATH", "DIR", "TTL", "EXPIRY", "TIMEOUT", "LENGTH", "NAME", "HEADER", "URL", "HOST", "PORT", "USER", "USERNAME"];

/** Whether an env var name reads as a secret: by its words, split on `_`, `-` and `.`. */
export function secretName(name: string): boolean {
  const words = name.toUpperCase().split(/[_.-]+/).filter(Boolean);
  if (words.length === 0 || NOT_THE_SECRET.includes(words[words.length - 1]!)) return false;
  return words.some((w, i) => SECRET_WORDS.includes(w) || (w === "KEY" && i > 0 && KEY_KINDS.includes(words[i - 1]!)));
}

const ONLY_REFERENCES = /^(\$\([A-Za-z_][A-Za-z0-9_]*\))+$/;
const URL_WITH_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s:]*):([^/?#@\s]+)@(.*)$/i;

/** The URL with its password masked when it carries a literal one. */
export function urlPassword(value: string): string | undefined {
  const m = URL_WITH_PASSWORD.exec(value);
  if (!m || ONLY_REFERENCES.test(m[3]!)) return undefined;
  return `${m[1]}${m[2]}:***@${m[4]}`;
}

export const disallowLiteralSecrets = workloadPolicy({
  name: "rightsize-disallow-literal-secrets",
  description: "No env var holds a literal credential: a secret-like name with a literal value, or a URL with a password.",
  enforcementLevel: "mandatory",
  container: (c) =>
    ((c?.env ?? []) as any[]).flatMap((e) => {
      const value: unknown = e?.value;
      if (typeof value !== "string" || value === "" || ONLY_REFERENCES.test(value)) return [];
      const masked = urlPassword(value);
      if (masked) return [`env ${e.name} is a URL with a literal password (${masked}); take the password from a Secret (valueFrom.secretKeyRef) and write it as $(VAR)`];
      // A path names where the secret is mounted (GOOGLE_APPLICATION_CREDENTIALS=/var/run/key.json), not the secret.
      if (secretName(String(e.name)) && !value.startsWith("/")) return [`env ${e.name} has a literal value (${value.length} characters); take it from a Secret with valueFrom.secretKeyRef`];
      return [];
    }),
});
