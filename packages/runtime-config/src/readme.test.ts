import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type SliceName, slices, sliceVariables } from "./programs.ts";

const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");

describe("the README's configuration reference", () => {
  it("lists exactly the declared variables", () => {
    const section = readme.slice(
      readme.indexOf("## Configuration reference"),
      readme.indexOf("Tools and tests read these; no service does"),
    );
    const listed = section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    const declared = (Object.keys(slices) as SliceName[]).flatMap(sliceVariables);
    expect(listed.length).toBeGreaterThan(50);
    expect(listed.filter((n) => !declared.includes(n))).toEqual([]);
    expect(declared.filter((n) => !listed.includes(n))).toEqual([]);
  });
});
