// The frame every command entry runs in: exit codes, and what is printed when a command fails. Library
// functions return values or throw; an InputError (the user's input is wrong) prints its message and
// exits 2, never with a stack trace; anything else is an internal error, exit 3.
import { isProdStack, setCommand } from "../../config/credentials";
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

/** Runs a command's main: its code becomes the exit code; an InputError exits 2, anything else 3. */
export function main(fn: (argv: string[]) => Promise<number>): void {
  fn(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof InputError) {
        process.stderr.write(`${e.message}\n`);
        process.exitCode = EXIT.config;
        return;
      }
      process.stderr.write(`rightsize: internal error: ${(e as Error)?.message ?? String(e)}\n`);
      if (process.env.RIGHTSIZE_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ""}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
