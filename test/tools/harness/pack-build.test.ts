import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packBuildProblem } from "../../../tools/harness/pack-build";
import { ROOT } from "../../helpers/run";

const POLICIES = join(ROOT, "policies");
const json = (f: string) => JSON.parse(readFileSync(f, "utf8"));

describe("the policy pack as the CLI installs and runs it", () => {
  it("runs compiled: main is bin/policies/index.js, built and current (npm test builds it first)", () => {
    expect(json(join(POLICIES, "package.json")).main).toBe("bin/policies/index.js");
    expect(packBuildProblem(POLICIES)).toBeUndefined();
  });

  it("installs on its own: runtime dependencies and a lock, at the root's versions of the SDK, the policy SDK and google-protobuf", () => {
    const pkg = json(join(POLICIES, "package.json"));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@pulumi/policy", "@pulumi/pulumi"]);
    expect(pkg.devDependencies).toBeUndefined();
    const lock = json(join(POLICIES, "package-lock.json")).packages;
    const root = json(join(ROOT, "package-lock.json")).packages;
    for (const p of ["@pulumi/policy", "@pulumi/pulumi", "google-protobuf"]) expect(lock[`node_modules/${p}`].version, p).toBe(root[`node_modules/${p}`].version);
  });

  it("is publishable: PulumiPolicy.yaml says nodejs, and the package ships bin/ with it", () => {
    expect(parse(readFileSync(join(POLICIES, "PulumiPolicy.yaml"), "utf8")).runtime).toBe("nodejs");
    expect(json(join(POLICIES, "package.json")).files).toEqual(["bin", "PulumiPolicy.yaml"]);
  });
});

describe("packBuildProblem", () => {
  const pack = () => {
    const root = mkdtempSync(join(tmpdir(), "rightsize-packbuild-"));
    const dir = join(root, "policies");
    mkdirSync(join(dir, "bin", "policies"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ main: "bin/policies/index.js" }));
    writeFileSync(join(dir, "index.ts"), "export {};");
    return { root, dir };
  };

  it("names a missing build and the command", () => {
    const { dir } = pack();
    expect(packBuildProblem(dir)).toBe("the policy pack is not built: policies/bin/policies/index.js does not exist; run `npm run build:policies`");
  });

  it("names the sources newer than their build", () => {
    const { dir } = pack();
    writeFileSync(join(dir, "bin", "policies", "index.js"), "");
    utimesSync(join(dir, "bin", "policies", "index.js"), new Date(1000), new Date(1000));
    expect(packBuildProblem(dir)).toBe("the policy pack's build is older than policies/index.ts; run `npm run build:policies`");
    utimesSync(join(dir, "index.ts"), new Date(500), new Date(500));
    expect(packBuildProblem(dir)).toBeUndefined();
  });
});
