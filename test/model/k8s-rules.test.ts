// Each rule against its own definition: the example values apimachinery's validation_test.go and
// distribution/reference's reference_test.go use, and the regexes as those files spell them, so that
// a value the API server accepts is never refused here and one it refuses is never let through.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  configMapKeyProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  envVarNameProblem,
  MAX_CONFIG_DATA_BYTES,
  MAX_OBJECT_BYTES,
  mountPathProblem,
  normalMountPath,
  objectSizeProblem,
  parseImageReference,
  portNameProblem,
  systemNamespaceProblem,
} from "../../model/k8s-rules";

const ok = (f: (v: string) => string | undefined) => (v: string) => f(v) === undefined;

// The Go regexes, verbatim from k8s.io/apimachinery/pkg/util/validation/validation.go.
const GO = {
  dns1123LabelFmt: "[a-z0-9]([-a-z0-9]*[a-z0-9])?",
  envVarNameFmt: "[-._a-zA-Z][-._a-zA-Z0-9]*",
  configMapKeyFmt: "[-._a-zA-Z0-9]+",
};
const GO_SUBDOMAIN = `${GO.dns1123LabelFmt}(\\.${GO.dns1123LabelFmt})*`;
const anchored = (re: string) => new RegExp(`^${re}$`);
const chDir = (v: string) => v === "." || v === ".." || v.startsWith("..");
const ascii = fc.string({ unit: fc.constantFrom(..."aZ09-._/: =@A".split("")), maxLength: 12 });

describe("DNS-1123 names (IsDNS1123Label, IsDNS1123Subdomain)", () => {
  it("accepts validation_test.go's good labels and refuses its bad ones", () => {
    for (const v of ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", "a".repeat(63)]) expect(dns1123LabelProblem(v), v).toBeUndefined();
    for (const v of ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", ".", "a.", ".a", "a.b", " ", "a ", " a", "a b", "a".repeat(64)]) {
      expect(dns1123LabelProblem(v), v).toBeDefined();
    }
  });

  it("accepts good subdomains (dots between labels) and refuses bad ones", () => {
    for (const v of ["a", "a.a", "ab.a", "a-1.a", "a--1--2--b.0", "0.a", "a.b.c.d.e", "aaa.bbb.ccc", "a".repeat(253)]) expect(dns1123SubdomainProblem(v), v).toBeUndefined();
    for (const v of ["", "A", "a..b", "a.-b", "a-.b", ".a", "a.", "-a.b", "a.b-", "a_b.c", "a".repeat(254)]) expect(dns1123SubdomainProblem(v), v).toBeDefined();
  });

  it("agrees with the Go regexes on any short string", () => {
    fc.assert(fc.property(ascii, (v) => ok(dns1123LabelProblem)(v) === anchored(GO.dns1123LabelFmt).test(v)));
    fc.assert(fc.property(ascii, (v) => ok(dns1123SubdomainProblem)(v) === anchored(GO_SUBDOMAIN).test(v)));
  });
});

describe("environment variable names (IsEnvVarName)", () => {
  it("accepts the names its error message gives as examples, and C identifiers", () => {
    for (const v of ["my.env-name", "MY_ENV.NAME", "MyEnvName1", "A", "_123", "a-b", "-a", ".a"]) expect(envVarNameProblem(v), v).toBeUndefined();
  });

  it("refuses a leading digit, '=', spaces, and '.', '..' or a '..' prefix", () => {
    expect(envVarNameProblem("1A")).toBe("must be an environment variable name: letters, digits, '_', '-' or '.', not starting with a digit (e.g. MY_ENV.NAME)");
    for (const v of ["", "A=B", "A B", "A:B", "é"]) expect(envVarNameProblem(v), v).toBeDefined();
    expect(envVarNameProblem(".")).toBe("must not be '.'");
    expect(envVarNameProblem("..")).toBe("must not be '..'");
    expect(envVarNameProblem("..a")).toBe("must not start with '..'");
  });

  it("agrees with envVarNameFmt and hasChDirPrefix on any short string", () => {
    fc.assert(fc.property(ascii, (v) => ok(envVarNameProblem)(v) === (anchored(GO.envVarNameFmt).test(v) && !chDir(v))));
    fc.assert(fc.property(ascii, (v) => ok(configMapKeyProblem)(v) === (anchored(GO.configMapKeyFmt).test(v) && !chDir(v))));
  });
});

describe("port names (IsValidPortName)", () => {
  it("accepts IANA service names and refuses the rest", () => {
    for (const v of ["http", "smtp", "h2c", "a-b-c", "x1", "a".repeat(15)]) expect(portNameProblem(v), v).toBeUndefined();
    for (const v of ["", "1234", "a--b", "-ab", "ab-", "Http", "a_b", "a".repeat(16)]) expect(portNameProblem(v), v).toBeDefined();
  });
});

describe("mount paths", () => {
  it("must be absolute, without '..', and not /; spaces and dots are fine", () => {
    for (const v of ["/tmp", "/var/cache/my app", "/a/.b", "/a/b.."]) expect(mountPathProblem(v), v).toBeUndefined();
    expect(mountPathProblem("tmp")).toBe("must be an absolute path (starting with /)");
    expect(mountPathProblem("/a/../etc")).toBe("must not contain a '..' element");
    expect(mountPathProblem("/")).toBe("must not be / (it would hide the image's whole filesystem)");
    expect(normalMountPath("/tmp/")).toBe("/tmp");
    expect(normalMountPath("//tmp//x/")).toBe("/tmp/x");
  });
});

describe("image references (distribution/reference)", () => {
  const digest = `sha256:${"f".repeat(64)}`;
  it("accepts what reference_test.go accepts", () => {
    for (const v of [
      "test_com", "test.com:tag", "test.com:5000", "test.com/repo:tag", "test:5000/repo", "test:5000/repo:tag", `test:5000/repo@${digest}`,
      `test:5000/repo:tag@${digest}`, "lowercase:Uppercase", "sub-dom1.foo.com/bar/baz/quux", "b.gcr.io/test.example.com/my-app:test.example.com",
      "xn--n3h.com/myimage:xn--n3h.com", "foo_bar.com:8080", "foo/foo_bar.com:8080", "192.168.1.1/repo", "[2001:db8::1]:5000/repo", "a__b", "a---b/c",
      "Registry.Example.com/app:1", `registry.example.com/app@sha512:${"a".repeat(128)}`,
    ]) {
      expect(typeof parseImageReference(v), v).toBe("object");
    }
    expect(parseImageReference(`test:5000/repo:tag@${digest}`)).toEqual({ name: "test:5000/repo", tag: "tag", digest });
  });

  it("refuses what it refuses", () => {
    for (const v of ["", ":justtag", `@${digest}`, "Uppercase:tag", "test:5000/Uppercase/lowercase:tag", "aa/asdf$$^/aa", "a^a", "a-/a", "a/-a", "a_-b", "a@sha256:abc", "a:-tag", `a:${"t".repeat(129)}`]) {
      expect(typeof parseImageReference(v), v).toBe("string");
    }
    expect(parseImageReference("registry.example.com/App:1")).toBe("is not an image reference: the repository path must be lower case");
    expect(parseImageReference(" app:1")).toBe("is not an image reference: it contains white space");
  });

  it("refuses a name longer than NameTotalLengthMax (255)", () => {
    const name = `a/${"b".repeat(253)}`;
    expect(typeof parseImageReference(`${name}:1`)).toBe("object");
    expect(parseImageReference(`${name}b:1`)).toBe("is not an image reference: the name is longer than 255 characters");
  });
});

describe("object sizes", () => {
  it("holds a ConfigMap or Secret to 1 MiB of data and any object to etcd's 1.5 MiB", () => {
    expect(objectSizeProblem({ kind: "ConfigMap", data: { a: "x".repeat(MAX_CONFIG_DATA_BYTES - 1) } })).toBeUndefined();
    expect(objectSizeProblem({ kind: "Secret", stringData: { a: "x".repeat(MAX_CONFIG_DATA_BYTES) } })).toBe(`holds ${MAX_CONFIG_DATA_BYTES + 1} bytes of data; a Secret may hold at most 1048576 (1 MiB)`);
    const big = { kind: "Deployment", spec: { v: "x".repeat(MAX_OBJECT_BYTES) } };
    expect(objectSizeProblem(big)).toMatch(/^is \d+ bytes; etcd stores an object of at most 1572864 bytes \(1.5 MiB\)$/);
  });
});

describe("system namespaces", () => {
  it("refuses default and kube-*, and nothing else", () => {
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease", "kube-anything"]) expect(systemNamespaceProblem(ns), ns).toBeDefined();
    for (const ns of ["rightsize", "kube", "defaults", "my-kube-system"]) expect(systemNamespaceProblem(ns), ns).toBeUndefined();
  });
});
