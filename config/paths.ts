// Paths a user gives on the command line or as a stack file: each is checked before use, so that no
// command can hang on one (a FIFO or /dev/zero read forever; Node's recursive mkdir loops under /proc)
// and a path that cannot work is a user error naming the path and the reason, never an internal error.
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, statfsSync, statSync, type Stats } from "node:fs";
import { dirname, resolve, sep } from "node:path";

export class PathError extends Error {}

/** Kernel filesystems: their files are not data, and their folders refuse new entries in odd ways. */
const PSEUDO_ROOTS = ["/proc", "/sys"];
/** statfs(2) f_type of the same kinds mounted elsewhere: proc, sysfs, cgroup, cgroup2, debugfs, tracefs, securityfs, bpf. */
const PSEUDO_MAGIC = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673, 0xcafe4a11]);

function pseudoRoot(path: string): string | undefined {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // Not resolvable: judge the path as given.
  }
  const root = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}${sep}`));
  if (root) return root;
  try {
    return PSEUDO_MAGIC.has(statfsSync(real).type) ? real : undefined;
  } catch {
    return undefined;
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    ENOENT: "no such file or folder",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only filesystem",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "is a folder",
    ENOSPC: "no space left on the device",
    EEXIST: "already exists",
    ELOOP: "too many symbolic links",
    ENAMETOOLONG: "the name is too long",
  };
  return code ? `${words[code] ?? (e as Error).message} (${code})` : String((e as Error)?.message ?? e);
}

/** The default most a file the user names may be: far above any stack, policy or usage file. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * A file the user names, as text: it must be a regular file of at most `maxBytes`, outside /proc, /sys and
 * /dev. `what` says what it was meant to be ("policy config", "usage file").
 */
export function readUserFile(path: string, what: string, maxBytes = MAX_INPUT_BYTES): string {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new PathError(`${path}: cannot read the ${what}: ${reason(e)}`);
  }
  if (st.isDirectory()) throw new PathError(`${path}: cannot read the ${what}: it is a folder, not a file`);
  if (!st.isFile()) throw new PathError(`${path}: cannot read the ${what}: it is not a regular file (a device, pipe or socket can block or never end)`);
  const root = pseudoRoot(path);
  if (root) throw new PathError(`${path}: cannot read the ${what}: it is in ${root}, a kernel filesystem, not a file of data`);
  if (st.size > maxBytes) throw new PathError(`${path}: cannot read the ${what}: it is ${st.size} bytes, more than the ${maxBytes} a ${what} may be`);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new PathError(`${path}: cannot read the ${what}: ${reason(e)}`);
  }
}

/**
 * Creates an output folder (and its missing parents) one level at a time, or says why it cannot be:
 * under a file, in a kernel filesystem, not writable. Never Node's recursive mkdir, which on Node 20
 * and 22 loops forever under /proc (mkdir there answers ENOENT, so it retries the parent for ever).
 */
export function prepareOutputDir(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  let st: Stats | undefined;
  for (;;) {
    try {
      st = statSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new PathError(`${dir}: cannot use it as the output folder: ${reason(e)}`);
      const up = dirname(existing);
      if (up === existing) throw new PathError(`${dir}: cannot use it as the output folder: ${reason(e)}`);
      missing.unshift(existing);
      existing = up;
    }
  }
  if (!st.isDirectory()) {
    const what = existing === abs ? "it is a file, not a folder" : `${existing} is a file, not a folder`;
    throw new PathError(`${dir}: cannot use it as the output folder: ${what}`);
  }
  const root = pseudoRoot(existing);
  if (root) throw new PathError(`${dir}: cannot use it as the output folder: it is in ${root}, a kernel filesystem where rendered files cannot be written`);
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(p).isDirectory()) continue;
      throw new PathError(`${dir}: cannot create the output folder ${p}: ${reason(e)}`);
    }
  }
  try {
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new PathError(`${dir}: cannot write to the output folder: ${reason(e)}`);
  }
}

/** A failure writing into a prepared folder (a full disk, a file replaced meanwhile), as a PathError. */
export function writeFailure(path: string, e: unknown): PathError {
  return new PathError(`${path}: cannot write it: ${reason(e)}`);
}
