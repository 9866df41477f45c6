// Every config problem is reported as one line `key.path: message (got VALUE)`, all at once.

export interface ConfigIssue {
  /** Dotted key under the `rightsize:` namespace, e.g. `web.resources.limits.memory`. */
  readonly path: string;
  readonly message: string;
  /** The offending value; omitted when there is none (a missing key). */
  readonly value?: unknown;
  readonly hasValue: boolean;
}

export function issue(path: string, message: string, ...value: [unknown?]): ConfigIssue {
  return value.length > 0 ? { path, message, value: value[0], hasValue: true } : { path, message, hasValue: false };
}

export function showValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return `${v}`;
  const json = JSON.stringify(v);
  if (json === undefined) return String(v);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.path === "" ? "(stack config)" : i.path;
  if (!i.hasValue) return `${where}: ${i.message}`;
  const shown = showValue(i.value);
  // A quantity error already quotes the value; saying it twice is noise.
  return typeof i.value === "string" && i.message.includes(shown) ? `${where}: ${i.message}` : `${where}: ${i.message} (got ${shown})`;
}

/** Thrown by the loader when the stack config is invalid; carries every problem at once. */
export class ConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${stackFile} has ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n` +
        issues.map((i) => `  ${formatIssue(i)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
