// A minimal TypeScript hook for the offline tools: `node -r ./tools/harness/register.js tools/plan`.
// It only transpiles .ts files (typescript's transpileModule, no type check: `npm test` runs tsc) and
// caches the output by content under node_modules/.cache, so a warm run never loads the compiler.
// tsx does the same job but hooks every module resolution, which made loading @pulumi/pulumi alone
// take 60% longer; plan's wall time is measured against a bare `node` loading @pulumi/pulumi.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "rightsize-ts");
const OPTIONS = {
  target: "ES2022",
  module: "commonjs",
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: false,
};
let ts;
let tsVersion;

function typescript() {
  ts ??= require("typescript");
  return ts;
}

function version() {
  // The compiler's version is part of the key; reading package.json avoids loading the compiler.
  tsVersion ??= require("typescript/package.json").version;
  return tsVersion;
}

function compile(source, filename) {
  const key = crypto.createHash("sha256").update(`${version()}\0${JSON.stringify(OPTIONS)}\0${filename}\0`).update(source).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  const t = typescript();
  const out = t.transpileModule(source, {
    fileName: filename,
    compilerOptions: { ...OPTIONS, target: t.ScriptTarget.ES2022, module: t.ModuleKind.CommonJS },
  }).outputText;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    // Write then rename, so a concurrent run never reads half a file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only tree still runs, just without the cache.
  }
  return out;
}

require.extensions[".ts"] = function (module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
