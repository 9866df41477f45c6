// The rules the Kubernetes API server (and the image reference grammar, and etcd) applies to values that
// rightsize copies from stack config into objects. Each function returns why a value is refused, or
// undefined when the rule accepts it: a value the API server accepts is never refused here, and one it
// refuses is refused before anything is registered. Pure: no imports.

// k8s.io/apimachinery/pkg/util/validation/validation.go: dns1123LabelFmt, DNS1123LabelMaxLength.
const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_MAX = 63;
// validation.go: dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*", DNS1123SubdomainMaxLength.
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1123_SUBDOMAIN_MAX = 253;

/** IsDNS1123Label: namespaces, Service names, container and port-less object names. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > DNS1123_LABEL_MAX) return `must be no more than ${DNS1123_LABEL_MAX} characters (a DNS label)`;
  if (!new RegExp(`^${DNS1123_LABEL}$`).test(value)) return "must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/** IsDNS1123Subdomain: most object names (Secrets, StorageClasses, ConfigMaps). */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > DNS1123_SUBDOMAIN_MAX) return `must be no more than ${DNS1123_SUBDOMAIN_MAX} characters (a DNS subdomain)`;
  if (!new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(value)) {
    return "must be a DNS subdomain: lower case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";
  }
  return undefined;
}

/** validation.go hasChDirPrefix, shared by IsEnvVarName and IsConfigMapKey. */
function chDirPrefix(value: string): string | undefined {
  if (value === ".") return "must not be '.'";
  if (value === "..") return "must not be '..'";
  if (value.startsWith("..")) return "must not start with '..'";
  return undefined;
}

// validation.go: envVarNameFmt. Clusters with the RelaxedEnvironmentVariableValidation gate (beta in
// 1.30, on by default from 1.32) accept any printable ASCII but '='; this is the rule every cluster accepts.
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** IsEnvVarName: `env[].name` of a container (core/v1 validation.go validateEnvVarName). */
export function envVarNameProblem(value: string): string | undefined {
  if (!ENV_VAR_NAME.test(value)) {
    return "must be an environment variable name: letters, digits, '_', '-' or '.', not starting with a digit (e.g. MY_ENV.NAME)";
  }
  return chDirPrefix(value);
}

// validation.go: configMapKeyFmt, with the subdomain's length limit.
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** IsConfigMapKey: a key of a ConfigMap or Secret (`secretKeyRef.key`). */
export function configMapKeyProblem(value: string): string | undefined {
  if (value.length > DNS1123_SUBDOMAIN_MAX) return `must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`;
  if (!CONFIG_MAP_KEY.test(value)) return "must be a Secret or ConfigMap key: letters, digits, '-', '_' or '.'";
  return chDirPrefix(value);
}

/**
 * IsValidPortName (validation.go, an IANA_SVC_NAME per RFC 6335): at most 15 characters of [-a-z0-9],
 * at least one letter, no leading, trailing or doubled '-'.
 */
export function portNameProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > 15) return "must be a port name of 1 to 15 characters";
  if (!/^[-a-z0-9]+$/.test(value)) return "must be a port name: lower case letters, digits and '-'";
  if (!/[a-z]/.test(value)) return "must be a port name with at least one letter";
  if (value.includes("--")) return "must be a port name without '--'";
  if (value.startsWith("-") || value.endsWith("-")) return "must be a port name that neither starts nor ends with '-'";
  return undefined;
}

/**
 * A container's `volumeMounts[].mountPath`. core/v1 validation.go validateVolumeMounts requires it and
 * refuses a `..` element (validatePathNoBacktracking); the container runtime requires an absolute path
 * (CRI: "mount path must be absolute"), and mounting over `/` would hide the image.
 */
export function mountPathProblem(value: string): string | undefined {
  if (!value.startsWith("/")) return "must be an absolute path (starting with /)";
  if (value.split("/").includes("..")) return "must not contain a '..' element";
  if (value.replace(/\/+$/, "") === "") return "must not be / (it would hide the image's whole filesystem)";
  return undefined;
}

/** One path as the kubelet mounts it: `/tmp/` and `/tmp//` are `/tmp`, so they collide. */
export function normalMountPath(value: string): string {
  return value.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
}

// github.com/distribution/reference regexp.go, which the kubelet and container runtimes parse images with.
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const DOMAIN_NAME_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|${IPV6_ADDRESS})(?::[0-9]+)?`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
/** referencePat: name, optional tag, optional digest (anchored, as ReferenceRegexp is). */
const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** reference.go NameTotalLengthMax. */
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

/** An image reference parsed by distribution/reference's grammar, or why it is not one. */
export function parseImageReference(ref: string): ImageReference | string {
  const m = REFERENCE.exec(ref);
  if (!m) {
    if (ref !== ref.trim() || /\s/.test(ref)) return "is not an image reference: it contains white space";
    if (/[A-Z]/.test(ref.split(/[:@]/)[0]!.split("/").slice(1).join("/"))) return "is not an image reference: the repository path must be lower case";
    return "is not an image reference such as registry.example.com/app:1.4.2";
  }
  if (m[1]!.length > NAME_TOTAL_LENGTH_MAX) return `is not an image reference: the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`;
  return { name: m[1]!, ...(m[2] !== undefined ? { tag: m[2] } : {}), ...(m[3] !== undefined ? { digest: m[3] } : {}) };
}

/**
 * A value that reaches a Kubernetes object: the API server takes a request body up to 3 MiB, and etcd
 * refuses a write above its default --max-request-bytes of 1.5 MiB, so an object must stay below it.
 * ConfigMaps and Secrets are held to 1 MiB of data (core/v1 validation.go: MaxSecretSize, and
 * ValidateConfigMap's totalSize check against the same limit).
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;

/** Why an object is too large to store, or undefined: its JSON size, and for a ConfigMap or Secret its data. */
export function objectSizeProblem(o: { kind?: string; data?: Record<string, unknown>; stringData?: Record<string, unknown>; binaryData?: Record<string, unknown> }): string | undefined {
  const utf8 = (text: string) => new TextEncoder().encode(text).length;
  const size = utf8(JSON.stringify(o));
  if (o.kind === "ConfigMap" || o.kind === "Secret") {
    let data = 0;
    for (const m of [o.data, o.stringData, o.binaryData]) for (const [k, v] of Object.entries(m ?? {})) data += k.length + utf8(String(v));
    if (data > MAX_CONFIG_DATA_BYTES) return `holds ${data} bytes of data; a ${o.kind} may hold at most ${MAX_CONFIG_DATA_BYTES} (1 MiB)`;
  }
  if (size > MAX_OBJECT_BYTES) return `is ${size} bytes; etcd stores an object of at most ${MAX_OBJECT_BYTES} bytes (1.5 MiB)`;
  return undefined;
}

/**
 * Namespaces the cluster itself owns: Kubernetes creates `default`, `kube-system`, `kube-public` and
 * `kube-node-lease`, and reserves the `kube-` prefix for its own. rightsize makes its namespace restricted,
 * default-deny, and deletes it on `destroy`, so it may never be one of these.
 */
export function systemNamespaceProblem(ns: string): string | undefined {
  if (ns === "default" || ns.startsWith("kube-")) {
    return `is a namespace the cluster owns; rightsize creates its own namespace (restricted pod security, default-deny ingress) and \`pulumi destroy\` deletes it, so pick another name such as rightsize`;
  }
  return undefined;
}
