// The frame every command entry runs in: exit codes, and what is printed when a command fails. Library
// functions return values or throw; an InputError (the user's input is wrong) prints its message and
// exits 2, never with a stack trace; anything else is an internal error, exit 3.
import { isProdStack, setCommand } from "../../config/credentials";
import { PathError } from "../../config/paths";
import { InputError } from "./errors";
import type { StackFile } from "./stackfile";

/** `prometheus`: recommend could not reach Prometheus, or Prometheus answered an error. */
export const EXIT = { ok: 0, violation: 1, config: 2, internal: 3, prometheus: 4 } as const;

/** The command line is wrong; the message ends with the usage line. */
export class UsageError extends InputError {}

/** Says which credentials were placeholders and how to set them before `pulumi up`. */
export function missingSecretsNote(file: StackFile): string {
  const environment = file.config["rightsize:environment"];
  const prod = isProdStack(environment === undefined ? {} : { environment }, file.stack);
  return (
    `Pulumi.${file.stack}.yaml sets no ${file.missingSecrets.join(", ")}: placeholders used (--placeholder-secrets). ` +
    `Before \`pulumi up -s ${file.stack}\`:\n${file.missingSecrets.map((p) => `  ${setCommand(p, file.stack, prod)}\n`).join("")}`
  );
}

/** Prints the note on placeholder credentials, if the stack file needed any. */
export function noteMissingSecrets(file: StackFile): void {
  if (file.missingSecrets.length > 0) process.stderr.write(missingSecretsNote(file));
}

/**
 * What the frame prints for a failure and the exit code it gives: an InputError's message, exit 2; else
 * exit 3. A PathError (a path the user gave that cannot work) is config/'s, which cannot extend
 * InputError, so it is named here.
 */
export function failure(e: unknown, debug = Boolean(process.env.RIGHTSIZE_DEBUG)): { code: number; stderr: string } {
  if (e instanceof InputError || e instanceof PathError) return { code: EXIT.config, stderr: `${e.message}\n` };
  const trace = debug ? `${(e as Error)?.stack ?? ""}\n` : "";
  return { code: EXIT.internal, stderr: `rightsize: internal error: ${(e as Error)?.message ?? String(e)}\n${trace}` };
}

/** Runs a command's main: its code becomes the exit code; a failure is printed and exits as failure() says. */
export function main(fn: (argv: string[]) => Promise<number>): void {
  fn(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      const f = failure(e);
      process.stderr.write(f.stderr);
      process.exitCode = f.code;
    },
  );
}
