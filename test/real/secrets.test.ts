// No secret value reaches plan output, render output, plaintext stack outputs or logs. The dev stack keeps
// its throwaway credentials in plain text, which makes them easy to look for; prod's are `secure:` values,
// which the shipped file leaves out, so prod runs from a copy with them set as a deployment has them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { credentialPaths } from "../../components/registry";
import { ROOT, runTool, REGISTER } from "../helpers/run";

/** Every credential in a stack file: plain values under password/masterKey keys, and `secure:` ciphertexts. */
function secretsIn(stack: string, dir = ROOT): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, k);
    } else if (typeof v === "string" && (/password|masterkey/i.test(key) || key === "secure")) {
      out.push(v);
    }
  };
  walk(parse(readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8")), "");
  return out;
}

/** Where to run a stack from: prod from a copy whose credentials are set as `secure:` ciphertexts. */
function stackDir(stack: string): string {
  if (stack !== "prod") return ROOT;
  const doc = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8"));
  const values = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^rightsize:/, ""), v]));
  for (const path of credentialPaths(values)) {
    const [top, ...rest] = path.split(".");
    let o = doc.config[`rightsize:${top}`];
    for (const k of rest.slice(0, -1)) o = o[k];
    o[rest.at(-1)!] = { secure: `v1:${Buffer.from(`ciphertext-of-${path}-0123456789`).toString("base64")}` };
  }
  const dir = mkdtempSync(join(tmpdir(), "rightsize-secrets-prod-"));
  writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify(doc));
  return dir;
}

describe.each(["dev", "prod"])("secrets of the %s stack", (stack) => {
  const dir = stackDir(stack);
  const secrets = secretsIn(stack, dir);
  const leaks = (text: string) => secrets.filter((s) => text.includes(s));

  it("the stack file has credentials to look for", () => {
    expect(secrets.length).toBeGreaterThanOrEqual(3);
  });

  it("appear in no plan output, text, JSON or markdown, nor in its logs", () => {
    for (const flag of [[], ["--json"], ["--markdown"]]) {
      const r = runTool("plan", [stack, ...flag], dir, { placeholderSecrets: false });
      expect(r.code, r.stderr).toBe(0);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
    }
  });

  it("appear in no rendered file; Secrets hold placeholders", () => {
    const out = mkdtempSync(join(tmpdir(), "rightsize-secrets-"));
    const r = runTool("render", [stack, "--out", out], dir, { placeholderSecrets: false });
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out);
    for (const f of files) expect(leaks(readFileSync(join(out, f), "utf8")), f).toEqual([]);
    const secretFiles = files.filter((f) => f.startsWith("secret-"));
    expect(secretFiles.length).toBeGreaterThanOrEqual(3);
    for (const f of secretFiles) {
      const o = parse(readFileSync(join(out, f), "utf8"));
      expect(o.data).toBeUndefined();
      for (const v of Object.values(o.stringData as Record<string, string>)) expect(v).toMatch(/^placeholder-/);
    }
  });
});

describe("stack outputs", () => {
  it("hold no secret value in plain text", async () => {
    const r = spawnSync(process.execPath, ["-r", REGISTER, join(__dirname, "fixtures", "outputs.ts"), "dev"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const text = r.stdout;
    expect(Object.keys(JSON.parse(text)).length).toBeGreaterThan(3);
    expect(secretsIn("dev").filter((s) => text.includes(s))).toEqual([]);
  });
});
