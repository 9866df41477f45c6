// One argument parser for every command, on Node's util.parseArgs: strict (an unknown option is a usage
// error), values given as `--flag value` or `--flag=value`, a single-value option given twice is an
// error rather than the last one winning. Every problem is a UsageError: the entry prints it, exit 2.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./cli";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The option every command that runs the program takes: placeholders for credentials a stack file lacks. */
export const PLACEHOLDER_SECRETS = { "placeholder-secrets": { type: "boolean" } } as const;

/**
 * Parses `argv` against `options`; `positionals` is how many plain arguments the command takes. A
 * problem becomes a UsageError saying what was wrong, then the command's usage line.
 */
export function parseCommandArgs<const O extends Options>(argv: readonly string[], options: O, positionals: number, usage: string) {
  const fail = (problem: string): never => {
    throw new UsageError(`${problem}\n${usage}`);
  };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") fail(`unknown option ${unknownOption(argv, options) ?? ""}`.trim());
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = invalidOption(e as Error, options) ?? "an option";
      fail((e as Error).message.includes("does not take an argument") ? `${name} takes no value` : `${name} needs a value`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") fail("too many arguments");
    throw e;
  }
  const seen = new Map<string, number>();
  for (const t of parsed.tokens ?? []) if (t.kind === "option") seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  for (const [name, count] of seen) if (count > 1 && !options[name]?.multiple) fail(`--${name} given ${count} times`);
  if (parsed.positionals.length !== positionals) fail(positionals === 1 ? "give one stack" : `give ${positionals} arguments`);
  return { values: parsed.values, positionals: parsed.positionals };
}

function unknownOption(argv: readonly string[], options: Options): string | undefined {
  return argv.find((a) => a.startsWith("-") && !(a.replace(/^--?/, "").split("=")[0]! in options));
}

function invalidOption(e: Error, options: Options): string | undefined {
  const name = Object.keys(options).find((n) => e.message.includes(`'--${n}`));
  return name === undefined ? undefined : `--${name}`;
}
