import { describe, expect, it } from "vitest";
import { formatIssue } from "../../config/issues";
import { namespaceTypos } from "../../config/namespace";

describe("namespaceTypos", () => {
  it("names a key in a namespace within two edits of rightsize and the key it was meant to be", () => {
    expect(namespaceTypos(["rightsise:web", "rightsize:postgres", "kubernetes:context"], "rightsize").map(formatIssue)).toEqual([
      'rightsise:web: namespace "rightsise" is not "rightsize", so this key would be ignored (did you mean rightsize:web?)',
    ]);
  });

  it("catches a dropped letter, a swap and a capital; leaves other packages' namespaces alone", () => {
    const keys = ["rightsze:a", "rihgtsize:b", "Rightsize:c", "kubernetes:context", "aws:region", "rightsizer2000:d", "pulumi:disable-default-providers"];
    expect(namespaceTypos(keys, "rightsize").map((i) => i.path)).toEqual(["rightsze:a", "rihgtsize:b", "Rightsize:c"]);
  });
});
