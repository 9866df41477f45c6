// Shared by plan and render: read the stack file, run the program, map failures to exit codes.
// 2 = the stack config is invalid (every problem printed as `key.path: message`), never a stack trace.
import { ConfigError } from "../../config/issues";
import type { ProgramRun } from "./program";
import { isProdStack, setCommand } from "../../config/credentials";
import { type ReadOptions, readStackFile, type StackFile, StackFileError } from "./stackfile";

/** `prometheus`: recommend could not reach Prometheus, or Prometheus answered an error. */
export const EXIT = { ok: 0, violation: 1, config: 2, internal: 3, prometheus: 4 } as const;

export class UsageError extends Error {}

export interface Loaded {
  file: StackFile;
  run: ProgramRun;
}

/** Reads Pulumi.<stack>.yaml, or prints why not and gives the exit code; says which credentials are placeholders. */
export function readStack(stack: string, opts: ReadOptions = {}): StackFile | number {
  let file: StackFile;
  try {
    file = readStackFile(stack, process.cwd(), opts);
  } catch (e) {
    if (e instanceof StackFileError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT.config;
    }
    throw e;
  }
  if (file.missingSecrets.length > 0) process.stderr.write(missingSecretsNote(file));
  return file;
}

/** Returns the run, or prints why not and gives the exit code. */
export async function loadStack(stack: string, opts: ReadOptions = {}): Promise<Loaded | number> {
  const file = readStack(stack, opts);
  return typeof file === "number" ? file : runStack(file);
}

/** Runs the program on a stack's config values (read from its file, or edited in memory). */
export async function runStack(file: StackFile): Promise<Loaded | number> {
  try {
    // Loaded here, not at the top: plan starts the policy pack before it pays for loading the SDK.
    const { runProgram } = await import("./program");
    return { file, run: await runProgram(file) };
  } catch (e) {
    const detail = (e as { detail?: unknown }).detail;
    const registered = (e as { registered?: string[] }).registered ?? [];
    if (detail instanceof ConfigError && registered.length > 0) {
      // Nothing half-applied: a config error after a registration is a bug in the program, not in the config.
      throw new Error(`the stack config is invalid, yet ${registered.length} resource(s) registered first (${registered.slice(0, 3).join(", ")})`);
    }
    if (detail instanceof ConfigError) {
      process.stderr.write(`${detail.message}\n`);
      return EXIT.config;
    }
    throw e;
  }
}

/** Says which credentials were placeholders and how to set them before `pulumi up`. */
export function missingSecretsNote(file: StackFile): string {
  const environment = file.config["rightsize:environment"];
  const prod = isProdStack(environment === undefined ? {} : { environment }, file.stack);
  return (
    `Pulumi.${file.stack}.yaml sets no ${file.missingSecrets.join(", ")}: placeholders used (--placeholder-secrets). ` +
    `Before \`pulumi up -s ${file.stack}\`:\n${file.missingSecrets.map((p) => `  ${setCommand(p, file.stack, prod)}\n`).join("")}`
  );
}

/** The flag that gives missing credentials placeholders; returns the other arguments. */
export function takePlaceholderFlag(argv: string[]): { rest: string[]; placeholderSecrets: boolean } {
  const rest = argv.filter((a) => a !== PLACEHOLDER_FLAG);
  return { rest, placeholderSecrets: rest.length !== argv.length };
}

export const PLACEHOLDER_FLAG = "--placeholder-secrets";

/** Runs a command's main, turning an unexpected failure into a one-line message and exit 3. */
export function main(fn: (argv: string[]) => Promise<number>): void {
  fn(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
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
