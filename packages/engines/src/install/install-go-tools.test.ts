import { describe, expect, it } from "vitest";
import { parseReplaces } from "./install-go-tools.ts";

describe("parseReplaces", () => {
  it("reads single-line and block replaces, with and without versions, ignoring comments", () => {
    const goMod = `module k8s.io/kubernetes

go 1.24.0

require k8s.io/api v0.0.0

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e // fork

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	// k8s.io/old => ./gone
	k8s.io/apiserver v0.0.0 => ./staging/src/k8s.io/apiserver
)
`;
    expect(parseReplaces(goMod)).toEqual([
      {
        from: "github.com/atotto/clipboard",
        to: "github.com/tgummerer/clipboard",
        version: "v0.0.0-20241001131231-d02d263e614e",
      },
      { from: "k8s.io/api", to: "./staging/src/k8s.io/api", version: undefined },
      { from: "k8s.io/apiserver", to: "./staging/src/k8s.io/apiserver", version: undefined },
    ]);
  });
});
