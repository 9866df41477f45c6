// Where a GitHub workflow lets a secret's value reach. Anything at workflow or job level is visible to
// every step, including the pull request's own `npm ci` and `npm test`; so a secret's value may appear
// only in the env of one step, and that step must either run a script that uses it without running the
// project's code or writing it to GITHUB_ENV, or be an action trusted with that variable. Comparing a
// secret with '' (whether it is set) passes only a boolean and is allowed in any step.

/** Actions trusted with a secret, and the env variables each may receive. */
const TRUSTED: Record<string, string[]> = { "pulumi/actions": ["PULUMI_ACCESS_TOKEN"] };

/** Commands that run code from the checkout (npm scripts, node, the CI script). */
const PROJECT_CODE = /(^|[\s;&|(])(npm|npx|node|yarn|pnpm|bash\s+\.ci|\.\/|sh\s+\.)/m;

const VALUE_REF = /secrets\.([A-Za-z_][\w-]*)(?![\w-]|\s*[!=]=\s*'')/g;

function secretValues(x: unknown): string[] {
  const text = JSON.stringify(x ?? null);
  return [...text.matchAll(VALUE_REF)].map((m) => m[1]!);
}

export function secretExposures(wf: Record<string, any>): string[] {
  const found: string[] = [];
  const { jobs = {}, ...top } = wf;
  for (const s of secretValues(top)) found.push(`workflow level: secrets.${s} is visible to every job`);
  for (const [id, job] of Object.entries<any>(jobs)) {
    const { steps = [], ...rest } = job ?? {};
    for (const s of secretValues(rest)) found.push(`jobs.${id}: secrets.${s} at job level is visible to every step`);
    (steps as any[]).forEach((step, i) => {
      const where = `jobs.${id}.steps[${i}] (${step.name ?? step.uses ?? "unnamed"})`;
      const { env = {}, ...other } = step;
      for (const s of secretValues(other)) found.push(`${where}: secrets.${s} outside the step's env`);
      const vars = Object.entries<unknown>(env).filter(([, v]) => secretValues(v).length > 0).map(([k]) => k);
      if (vars.length === 0) return;
      if (step.uses) {
        const action = String(step.uses).split("@")[0]!;
        for (const v of vars) if (!(TRUSTED[action] ?? []).includes(v)) found.push(`${where}: ${action} is not trusted with ${v}`);
        return;
      }
      const script = String(step.run ?? "");
      if (PROJECT_CODE.test(script)) found.push(`${where}: runs the project's code with ${vars.join(", ")}`);
      for (const v of vars) {
        const ref = new RegExp(`\\$\\{?${v}\\b`);
        if (!ref.test(script)) found.push(`${where}: gets ${v} but does not use it`);
        for (const line of script.split("\n")) {
          if (/GITHUB_(ENV|OUTPUT)/.test(line) && ref.test(line)) found.push(`${where}: writes ${v} to ${line.match(/GITHUB_(ENV|OUTPUT)/)![0]}`);
        }
      }
    });
  }
  return found;
}
