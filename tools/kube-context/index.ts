// npm run kube-context -- <stack> <kubeconfig>
// The workflows write a kubeconfig from a secret, and the stack file names the context the Kubernetes
// provider uses (`kubernetes:context`). A kubeconfig without that context fails `pulumi up` only after
// the CLI has started; this says so first, naming both sides.
import { readUserFile } from "../../config/paths";
import { parse } from "yaml";
import { parseCommandArgs } from "../harness/args";
import { EXIT, main } from "../harness/cli";
import { InputError } from "../harness/errors";
import { readStackFile } from "../harness/stackfile";

const USAGE = "usage: npm run kube-context -- <stack> <kubeconfig>";

/** The problem with this kubeconfig for this context, or undefined when the provider will find it. */
export function contextProblem(kubeconfigText: string, context: string | undefined, where: string): string | undefined {
  let doc: { contexts?: { name?: unknown }[]; "current-context"?: unknown };
  try {
    doc = (parse(kubeconfigText) ?? {}) as typeof doc;
  } catch (e) {
    return `${where}: not valid YAML: ${(e as Error).message.split("\n")[0]}`;
  }
  const names = (Array.isArray(doc.contexts) ? doc.contexts : []).map((c) => String(c?.name));
  if (context === undefined) {
    if (typeof doc["current-context"] === "string" && names.includes(doc["current-context"])) return undefined;
    return `${where}: the stack sets no kubernetes:context and the kubeconfig has no usable current-context (contexts: ${names.join(", ") || "none"})`;
  }
  if (names.includes(context)) return undefined;
  return `${where}: kubernetes:context is ${JSON.stringify(context)}, but the kubeconfig's contexts are ${names.map((n) => JSON.stringify(n)).join(", ") || "none"}; rename the context in the kubeconfig or run \`pulumi config set kubernetes:context <name>\``;
}

export async function kubeContext(argv: string[]): Promise<number> {
  const [stack, kubeconfig] = parseCommandArgs(argv, {}, 2, USAGE).positionals as [string, string];
  const context = readStackFile(stack).config["kubernetes:context"];
  // A PathError naming the file and why it cannot be read; the frame exits 2 with it.
  const text = readUserFile(kubeconfig, "kubeconfig");
  const problem = contextProblem(text, context, `Pulumi.${stack}.yaml`);
  if (problem) throw new InputError(problem);
  process.stdout.write(`the kubeconfig has context ${context ?? "(current-context)"} for stack ${stack}\n`);
  return EXIT.ok;
}

if (require.main === module) main(kubeContext);
