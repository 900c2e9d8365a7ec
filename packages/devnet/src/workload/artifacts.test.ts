import { describe, expect, it } from "vitest";
import * as artifacts from "./artifacts.ts";
import { compileContracts } from "./compile-contracts.ts";

describe("contract artifacts", () => {
  it("match a fresh compile of contracts/*.sol (run `pnpm --filter @chainlog/devnet contracts` if not)", () => {
    const compiled = compileContracts();
    const committed = Object.fromEntries(
      Object.entries(artifacts).map(([key, value]) => [key.replace(/Artifact$/, ""), value]),
    );
    expect(
      Object.keys(compiled)
        .map((n) => `${n[0]?.toLowerCase()}${n.slice(1)}`)
        .sort(),
    ).toEqual(Object.keys(committed).sort());
    for (const [name, { abi, bytecode }] of Object.entries(compiled)) {
      const mine = committed[`${name[0]?.toLowerCase()}${name.slice(1)}`];
      expect(mine?.bytecode, `${name} bytecode`).toBe(bytecode);
      expect(mine?.abi, `${name} abi`).toEqual(abi);
    }
  }, 60_000);
});
