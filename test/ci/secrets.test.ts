import { describe, expect, it } from "vitest";
import { secretExposures } from "./secrets";

const TOKEN = "${{ secrets.PULUMI_ACCESS_TOKEN }}";
const KUBE = "${{ secrets.KUBECONFIG_PROD }}";
const write = { name: "Kubeconfig", env: { KUBECONFIG_DATA: KUBE }, run: 'printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/k"' };
const preview = { uses: "pulumi/actions@v7.0.0", env: { PULUMI_ACCESS_TOKEN: TOKEN }, with: { command: "preview" } };
const ok = { on: "pull_request", jobs: { preview: { steps: [{ run: "npm ci" }, write, preview] } } };

describe("secretExposures", () => {
  it("passes a secret given to one step that uses it, and to a trusted action", () => {
    expect(secretExposures(ok)).toEqual([]);
  });

  it("passes a step that only learns whether a secret is set", () => {
    const probe = { env: { HAVE: "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}" }, run: 'echo "ready=$HAVE" >> "$GITHUB_OUTPUT"' };
    expect(secretExposures({ jobs: { a: { steps: [probe] } } })).toEqual([]);
  });

  it("flags a secret at workflow level", () => {
    expect(secretExposures({ ...ok, env: { PULUMI_ACCESS_TOKEN: TOKEN } })).toEqual(["workflow level: secrets.PULUMI_ACCESS_TOKEN is visible to every job"]);
  });

  it("flags a secret at job level (the old pull-request check job)", () => {
    const wf = { jobs: { check: { env: { PULUMI_ACCESS_TOKEN: TOKEN, KUBECONFIG_DATA: KUBE }, steps: [{ run: "npm ci" }, { run: "npm test" }] } } };
    expect(secretExposures(wf)).toEqual([
      "jobs.check: secrets.PULUMI_ACCESS_TOKEN at job level is visible to every step",
      "jobs.check: secrets.KUBECONFIG_PROD at job level is visible to every step",
    ]);
  });

  it("flags a secret in a job's container or services", () => {
    const wf = { jobs: { a: { container: { image: "node:24", env: { T: TOKEN } }, steps: [] } } };
    expect(secretExposures(wf)).toEqual(["jobs.a: secrets.PULUMI_ACCESS_TOKEN at job level is visible to every step"]);
  });

  it("flags a step that runs the project's code with a secret", () => {
    const wf = { jobs: { a: { steps: [{ name: "Test", env: { TOKEN }, run: "npm test # $TOKEN" }] } } };
    expect(secretExposures(wf)).toEqual(["jobs.a.steps[0] (Test): runs the project's code with TOKEN"]);
  });

  it("flags a step that writes a secret to GITHUB_ENV, so every later step gets it", () => {
    const wf = { jobs: { a: { steps: [{ name: "K", env: { KUBECONFIG_DATA: KUBE }, run: 'echo "K=$KUBECONFIG_DATA" >> "$GITHUB_ENV"' }] } } };
    expect(secretExposures(wf)).toEqual(["jobs.a.steps[0] (K): writes KUBECONFIG_DATA to GITHUB_ENV"]);
  });

  it("flags a secret a step gets but does not use, and one given to an untrusted action or in `with`", () => {
    const wf = {
      jobs: {
        a: {
          steps: [
            { name: "Idle", env: { TOKEN }, run: "echo hi" },
            { uses: "actions/setup-node@v6.4.0", env: { PULUMI_ACCESS_TOKEN: TOKEN } },
            { uses: "pulumi/actions@v7.0.0", env: { KUBECONFIG_DATA: KUBE } },
            { uses: "pulumi/actions@v7.0.0", with: { "cloud-url": TOKEN } },
          ],
        },
      },
    };
    expect(secretExposures(wf)).toEqual([
      "jobs.a.steps[0] (Idle): gets TOKEN but does not use it",
      "jobs.a.steps[1] (actions/setup-node@v6.4.0): actions/setup-node is not trusted with PULUMI_ACCESS_TOKEN",
      "jobs.a.steps[2] (pulumi/actions@v7.0.0): pulumi/actions is not trusted with KUBECONFIG_DATA",
      "jobs.a.steps[3] (pulumi/actions@v7.0.0): secrets.PULUMI_ACCESS_TOKEN outside the step's env",
    ]);
  });
});
