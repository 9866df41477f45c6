import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { editStackText } from "../../../tools/harness/stackfile-edit";
import { editYamlLines } from "../../../tools/harness/yaml-edit";
import { ROOT } from "../../helpers/run";

const diffLines = (a: string, b: string) => {
  const [x, y] = [a.split("\n"), b.split("\n")];
  return y.filter((l, i) => x[i] !== l);
};

describe("--write edits only the lines of the keys it sets", () => {
  const text = `config:
  rightsize:celery:
    workers:
      default:
        queues: [default, scraping]   # both
        resources:
          limits:
            cpu: "1"
            memory: 1Gi

      scraping:
        queues: [ scraping ]
`;
  it("replaces a scalar in place, keeping its quoting, comments, blank lines and flow lists", () => {
    const out = editYamlLines(text, [
      { path: ["config", "rightsize:celery", "workers", "default", "resources", "limits", "memory"], value: "1423Mi" },
      { path: ["config", "rightsize:celery", "workers", "default", "resources", "limits", "cpu"], value: "2" },
    ]);
    expect(out).toBe(text.replace("memory: 1Gi", "memory: 1423Mi").replace('cpu: "1"', 'cpu: "2"'));
  });
  it("adds a missing key at the end of its block map, indented as its siblings, nested maps too", () => {
    const out = editYamlLines(text, [
      { path: ["config", "rightsize:celery", "workers", "default", "childMemory"], value: "295Mi" },
      { path: ["config", "rightsize:celery", "workers", "scraping", "resources", "requests", "memory"], value: "1Gi" },
    ]);
    expect(out).toBe(
      text
        .replace("            memory: 1Gi\n", "            memory: 1Gi\n        childMemory: 295Mi\n")
        .replace("        queues: [ scraping ]\n", "        queues: [ scraping ]\n        resources:\n          requests:\n            memory: 1Gi\n"),
    );
  });
  it("quotes a value that plain YAML would read as a number", () => {
    expect(editYamlLines("a:\n  cpu: 500m\n", [{ path: ["a", "cpu"], value: "3" }])).toBe('a:\n  cpu: "3"\n');
  });
  it("on prod's stack file: the flow list [default] and every comment stay; only the set lines differ", () => {
    const prod = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const out = editStackText(prod, [
      { path: "celery.workers.default.resources.limits.memory", value: "1423Mi" },
      { path: "celery.workers.default.childMemory", value: "295Mi" },
      { path: "web.gunicorn.workerMemory", value: "102Mi" },
    ]);
    expect(out).toContain("        queues: [default]\n");
    expect(diffLines(prod, out).length).toBeGreaterThan(0);
    // Removing the three set/added lines gives the file back byte for byte.
    const back = out
      .replace("        childMemory: 295Mi\n", "")
      .replace("workerMemory: 102Mi", "workerMemory: 200Mi")
      .replace(/(default:[\s\S]*?limits:\n\s+cpu: "1"\n\s+memory: )1423Mi/, "$11Gi");
    expect(back).toBe(prod);
  });
});
