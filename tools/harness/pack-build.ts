// The pack runs compiled (policies/bin, package.json's `main`), as the Pulumi CLI runs it. A missing or
// stale build would run other policies than the sources say, silently; this says which and how to fix it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const BUILD = "npm run build:policies";

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []));
}

/**
 * Why the pack in `packDir` cannot run as built, or undefined. `sourceRoot` is tsconfig's rootDir: each
 * `bin/<path>.js` comes from `<sourceRoot>/<path>.ts`, and is stale when that file is newer.
 */
export function packBuildProblem(packDir: string, sourceRoot = join(packDir, "..")): string | undefined {
  const pkg = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")) as { main?: string };
  const main = join(packDir, pkg.main ?? "index.js");
  if (!existsSync(main)) return `the policy pack is not built: ${relative(sourceRoot, main)} does not exist; run \`${BUILD}\``;
  const bin = join(packDir, "bin");
  if (!existsSync(bin)) return undefined;
  const stale = jsFiles(bin).filter((js) => {
    const ts = join(sourceRoot, relative(bin, js)).replace(/\.js$/, ".ts");
    return existsSync(ts) && statSync(ts).mtimeMs > statSync(js).mtimeMs;
  });
  if (stale.length === 0) return undefined;
  const names = stale.map((js) => relative(bin, js).replace(/\.js$/, ".ts"));
  return `the policy pack's build is older than ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}; run \`${BUILD}\``;
}
