// Starts the policy pack the way the Pulumi CLI does: `node @pulumi/pulumi/cmd/run-policy-pack
// <engine-address> .` with the pack's folder as the working directory, resolved from that folder (its
// own node_modules once `npm ci --prefix policies` ran). run-policy-pack loads package.json's `main`, the
// compiled bin/, and serves it on 127.0.0.1; the pack prints only its port. This module loads nothing
// heavy, so plan can start the pack before it loads the SDK and the program.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { packBuildProblem } from "./pack-build";

export const POLICY_PACK_DIR = join(__dirname, "..", "..", "policies");

/**
 * run-policy-pack takes the engine's address first and drops it (its index.js shifts it off before it
 * loads the pack), and the pack's log calls fall back to stderr when no engine is configured. So an
 * address nothing listens on is enough; no engine stub is needed.
 */
export const ENGINE_PLACEHOLDER = "127.0.0.1:0";

export class PolicyPackError extends Error {}

/** The policy config given to the pack does not match its policies' schemas: the user's input, exit 2. */
export class PolicyConfigRejected extends PolicyPackError {}

export interface RunningPack {
  /** Resolves once the pack printed its port. */
  ready: Promise<void>;
  /** The port, once ready. */
  readonly port: number;
  /** The pack's process id. */
  readonly pid: number | undefined;
  stderr(): string;
  onClose(fn: () => void): void;
  close(): void;
}

function runPolicyPackPath(packDir: string): string {
  // Resolved the way the CLI's pulumi-analyzer-policy script does: from the pack's folder (a pack
  // elsewhere without its own install, as in the tests, uses this project's).
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir, POLICY_PACK_DIR] });
}

/** Starts the pack; returns at once, so the caller can run the program while the pack boots. */
export function startPolicyPack(packDir = POLICY_PACK_DIR): RunningPack {
  const unbuilt = packBuildProblem(packDir);
  if (unbuilt) throw new PolicyPackError(unbuilt);
  // A loader in NODE_OPTIONS (tsx, vitest) would compile the pack a second time under ts-node.
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const child = spawn(process.execPath, [runPolicyPackPath(packDir), ENGINE_PLACEHOLDER, "."], { cwd: packDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let port = 0;
  const closers: (() => void)[] = [];
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const line = /^(\d+)\s*\n/.exec(out);
      if (line && port === 0) {
        port = Number(line[1]);
        resolve();
      }
    });
    child.on("error", (e) => reject(new PolicyPackError(`cannot start the policy pack: ${e.message}`)));
    child.on("exit", (code, signal) => {
      if (port === 0) reject(new PolicyPackError(`the policy pack in ${packDir} exited (${code ?? signal}) before it served:\n${stderr.trim()}`));
    });
  });
  // The caller may await `ready` only later; a failure is reported then, not as an unhandled rejection.
  ready.catch(() => undefined);
  return {
    ready,
    get port() {
      return port;
    },
    pid: child.pid,
    stderr: () => stderr,
    onClose: (fn) => closers.push(fn),
    close: () => {
      for (const fn of closers.splice(0)) fn();
      child.kill();
    },
  };
}

/**
 * A pack another process started and still serves (recommend's parent lends its pack to the child that
 * plans the proposed stack, which then runs the same exchange on it); close() leaves the process running.
 */
export function attachPolicyPack(port: number): RunningPack {
  const closers: (() => void)[] = [];
  return {
    ready: Promise.resolve(),
    port,
    pid: undefined,
    stderr: () => "",
    onClose: (fn) => closers.push(fn),
    close: () => {
      for (const fn of closers.splice(0)) fn();
    },
  };
}
