// The GitHub workflows cannot run here, so their shape is checked: valid YAML, every step a pinned
// action or a shell script bash accepts, and the commands and files they name exist.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/run";
import { secretExposures } from "./secrets";

const DIR = join(ROOT, ".github", "workflows");
const load = (f: string): any => parse(readFileSync(join(DIR, f), "utf8"));
const steps = (wf: any): any[] => Object.values(wf.jobs).flatMap((j: any) => j.steps);
const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

describe("workflows", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));

  it("are the pull-request and deploy workflows", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  for (const f of files) {
    it(`${f}: every job runs on a runner, every step is a pinned action or a script bash accepts`, () => {
      const wf = load(f);
      expect(Object.keys(wf)).toEqual(expect.arrayContaining(["name", "on", "jobs"]));
      for (const job of Object.values(wf.jobs) as any[]) {
        expect(job["runs-on"]).toBe("ubuntu-24.04");
        for (const s of job.steps) {
          expect(Number("uses" in s) + Number("run" in s)).toBe(1);
          if (s.uses) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
          if (s.run) {
            const script = String(s.run).replace(/\$\{\{[^}]*\}\}/g, "X");
            const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
            expect(r.stderr).toBe("");
            expect(r.status).toBe(0);
            for (const m of script.matchAll(/npm (?:run (?:--silent )?)?([\w-]+)/g)) if (m[1] !== "ci" && m[1] !== "test") expect(scripts).toHaveProperty(m[1]!);
          }
        }
      }
    });
  }

  it("pull-request: npm ci and the tests on Node 24 and 22, a markdown plan per stack into the summary, the preview in a job that needs every check", () => {
    const wf = load("pull-request.yml");
    const check = wf.jobs.check.steps;
    const runs = check.filter((x: any) => x.run).map((x: any) => String(x.run));
    expect(runs).toEqual(expect.arrayContaining(["npm ci", "npm test"]));
    const plan = runs.find((r: string) => r.includes("npm run --silent plan"))!;
    expect(plan).toContain("for stack in dev prod");
    expect(plan).toContain(
      'plan -- "$stack" --markdown --placeholder-secrets --policy-pack-config "${RUNNER_TEMP}/policy-${stack}.json" --base "origin/${GITHUB_BASE_REF}" "${acknowledge[@]}" >> "$GITHUB_STEP_SUMMARY"',
    );
    // Acknowledgements come from the pull request's labels, through the environment, never inlined.
    expect(plan).toContain('case "$label" in acknowledge:*) acknowledge+=(--acknowledge "${label#acknowledge:}") ;; esac');
    expect(check.find((x: any) => String(x.run).includes("npm run --silent plan")).env.LABELS).toBe("${{ join(github.event.pull_request.labels.*.name, ' ') }}");
    const nodeOf = (job: string) => wf.jobs[job].steps.find((x: any) => String(x.uses).startsWith("actions/setup-node@")).with["node-version"];
    expect(nodeOf("check")).toBe(24);
    expect(nodeOf("unit-node22")).toBe(22);
    expect(wf.jobs["unit-node22"].steps.map((x: any) => x.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
    expect(wf.jobs["real-software"].container).toBe("node:24-bookworm");
    expect(check.some((x: any) => String(x.uses).startsWith("pulumi/actions@"))).toBe(false);
    const preview = wf.jobs.preview;
    expect(preview.needs).toEqual(["check", "unit-node22", "real-software"]);
    const step = preview.steps.find((x: any) => String(x.uses).startsWith("pulumi/actions@"));
    expect(step.with).toMatchObject({ command: "preview", policyPacks: "policies", "stack-name": "${{ vars.PULUMI_ORG }}/rightsize/prod" });
    expect(step.if).toBe("steps.credentials.outputs.ready == 'true'");
  });

  it("pinned actions run on GitHub's Node 24 action runtime (checkout v5+, setup-node v5+, pulumi/actions v7+)", () => {
    const minimum: Record<string, number> = { "actions/checkout": 5, "actions/setup-node": 5, "pulumi/actions": 7 };
    for (const f of files) {
      for (const s of steps(load(f)).filter((x) => x.uses)) {
        const [name, version] = String(s.uses).split("@") as [string, string];
        expect(Object.keys(minimum)).toContain(name);
        expect(Number(version.slice(1).split(".")[0]), `${f}: ${s.uses}`).toBeGreaterThanOrEqual(minimum[name]!);
      }
    }
  });

  it("deploy: pulumi up per environment with the pack, prod after dev and behind the prod environment's approval", () => {
    const wf = load("deploy.yml");
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.jobs["up-dev"].environment).toBe("dev");
    expect(wf.jobs["up-prod"].environment).toBe("prod");
    expect(wf.jobs["up-prod"].needs).toBe("up-dev");
    for (const [job, stack] of [["up-dev", "dev"], ["up-prod", "prod"]] as const) {
      const up = wf.jobs[job].steps.find((x: any) => String(x.uses).startsWith("pulumi/actions@"));
      expect(up.with).toEqual({ command: "up", "stack-name": `\${{ vars.PULUMI_ORG }}/rightsize/${stack}`, policyPacks: "policies", policyPackConfigs: `policy-config/${stack}.json` });
      expect(existsSync(join(ROOT, up.with.policyPackConfigs))).toBe(true);
    }
    expect(existsSync(join(ROOT, "policies", "PulumiPolicy.yaml"))).toBe(true);
  });

  for (const f of files) {
    it(`${f}: every secret reaches only the step that needs it`, () => {
      expect(secretExposures(load(f))).toEqual([]);
    });
  }
});
