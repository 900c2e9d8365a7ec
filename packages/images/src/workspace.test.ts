import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";
import { owningPackage, packageNameOf } from "./bundle-service.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Every bare import of a tracked TypeScript file that its package.json does not declare (pnpm would only find
 * it by accident of hoisting, and a deploy or image of that package would miss it). */
function undeclaredImports(): string[] {
  const files = execFileSync("git", ["ls-files", "-z", "--", "*.ts", "*.tsx", "*.mts"], { cwd: repoRoot })
    .toString()
    .split("\0")
    .filter((f) => f !== "" && !f.endsWith(".d.ts"));
  const found: string[] = [];
  for (const file of files) {
    const path = join(repoRoot, file);
    if (!existsSync(path)) continue;
    const { dir, pkg } = owningPackage(path);
    const lists = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies, pkg.peerDependencies];
    // a package's types may come from DefinitelyTyped (`import type { WebSocket } from "ws"` with @types/ws)
    const typesOf = (name: string) => `@types/${name.replace(/^@/, "").replace("/", "__")}`;
    const declared = (name: string) =>
      name === pkg.name ||
      lists.some((deps) => deps?.[name] !== undefined || deps?.[typesOf(name)] !== undefined);
    // imports, re-exports and import() calls; require() is left out (Pulumi's config.require("…") would match)
    const info = ts.preProcessFile(readFileSync(path, "utf8"), true, false);
    for (const { fileName: specifier } of info.importedFiles) {
      if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) continue;
      const name = packageNameOf(specifier);
      if (!declared(name))
        found.push(`${file} imports ${name}, not in ${relative(repoRoot, dir) || "."}/package.json`);
    }
  }
  return found;
}

it("every package declares what its files import", () => {
  expect(undeclaredImports()).toEqual([]);
});

/** The plain paths (no glob) the turbo.json files name as inputs or global dependencies. */
function turboPaths(): { config: string; path: string }[] {
  const configs = execFileSync("git", ["ls-files", "-z", "--", "turbo.json", "*/turbo.json"], {
    cwd: repoRoot,
  })
    .toString()
    .split("\0")
    .filter(Boolean);
  const out: { config: string; path: string }[] = [];
  for (const config of configs) {
    const json = JSON.parse(readFileSync(join(repoRoot, config), "utf8")) as {
      globalDependencies?: string[];
      tasks?: Record<string, { inputs?: string[] }>;
    };
    const dir = dirname(join(repoRoot, config));
    const entries = [
      ...(json.globalDependencies ?? []).map((p) => join(repoRoot, p)),
      ...Object.values(json.tasks ?? {}).flatMap((t) =>
        (t.inputs ?? [])
          .filter((i) => !i.startsWith("!") && i !== "$TURBO_DEFAULT$")
          .map((i) => (i.startsWith("$TURBO_ROOT$/") ? join(repoRoot, i.slice(13)) : join(dir, i))),
      ),
    ];
    for (const path of entries) if (!/[*?{[]/.test(path)) out.push({ config, path });
  }
  return out;
}

it("every plain path a turbo.json names exists (or is an output git ignores, made by a command before the tests)", () => {
  const named = turboPaths();
  expect(named.length).toBeGreaterThan(0);
  // `git check-ignore` exits 0 for an ignored path (.images/release.json, written by `pnpm images build`)
  const ignored = (path: string) =>
    spawnSync("git", ["check-ignore", "-q", path], { cwd: repoRoot }).status === 0;
  const missing = named.filter(({ path }) => !existsSync(path) && !ignored(path));
  expect(missing.map(({ config, path }) => `${config}: ${relative(repoRoot, path)}`)).toEqual([]);
});
