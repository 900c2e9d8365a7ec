import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureServiceBundle } from "./bundle-cache.ts";

let root: string;
let service: string;
const write = (path: string, text: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};
const run = (entry: string) => execFileSync(process.execPath, [entry], { encoding: "utf8" }).trim();

// pnpm's layout: the service links the workspace package, which alone has the npm package it imports.
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "chainlog-bundle-cache-"));
  service = join(root, "services/demo");
  const lib = join(root, "packages/lib");
  write(
    join(lib, "package.json"),
    JSON.stringify({
      name: "@chainlog/lib",
      type: "module",
      exports: { ".": "./src/index.ts" },
      dependencies: { "pad-it": "1.0.0" },
    }),
  );
  write(
    join(lib, "src/index.ts"),
    'import pad from "pad-it";\nexport const show = (n: number): string => pad(n);\n',
  );
  write(join(lib, "node_modules/pad-it/package.json"), JSON.stringify({ name: "pad-it", main: "index.js" }));
  write(join(lib, "node_modules/pad-it/index.js"), 'module.exports = (n) => "<" + n + ">";\n');
  write(
    join(service, "package.json"),
    JSON.stringify({
      name: "@chainlog/demo",
      type: "module",
      dependencies: { "@chainlog/lib": "workspace:*" },
    }),
  );
  mkdirSync(join(service, "node_modules/@chainlog"), { recursive: true });
  symlinkSync(lib, join(service, "node_modules/@chainlog/lib"), "dir");
  write(join(service, "src/value.ts"), "export const value = 1;\n");
  write(
    join(service, "src/main.ts"),
    'import { show } from "@chainlog/lib";\nimport { value } from "./value.ts";\nconsole.log(show(value), import.meta.url);\n',
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("ensureServiceBundle", () => {
  it("keeps a plain ES module's import.meta.url its source's too", async () => {
    write(join(service, "src/where.mjs"), "export const where = import.meta.url;\n");
    write(join(service, "src/main.ts"), 'import { where } from "./where.mjs";\nconsole.log(where);\n');
    const built = await ensureServiceBundle(service, root);
    expect(run(built.entry)).toBe(`file://${join(service, "src/where.mjs")}`);
  });

  it("builds a runnable bundle once, and again only when a source it was made from changes", async () => {
    const first = await ensureServiceBundle(service, root);
    expect(first).toMatchObject({
      rebuilt: true,
      reason: "missing",
      entry: join(service, ".bundle/main.js"),
    });
    // the npm package only the workspace package depends on resolves; import.meta.url is the source's
    expect(run(first.entry)).toBe(`<1> file://${join(service, "src/main.ts")}`);

    expect(await ensureServiceBundle(service, root)).toMatchObject({ rebuilt: false });
    // touched but the same: still current
    utimesSync(join(service, "src/value.ts"), new Date(), new Date(Date.now() + 5000));
    expect(await ensureServiceBundle(service, root)).toMatchObject({ rebuilt: false });

    write(join(service, "src/value.ts"), "export const value = 22;\n");
    expect(await ensureServiceBundle(service, root)).toMatchObject({ rebuilt: true, reason: "stale" });
    expect(run(first.entry)).toMatch(/^<22> /);
    // a change in a workspace package the service imports counts too
    write(
      join(root, "packages/lib/src/index.ts"),
      'import pad from "pad-it";\nexport const show = (n: number) => pad(n * 2);\n',
    );
    expect(await ensureServiceBundle(service, root)).toMatchObject({ rebuilt: true, reason: "stale" });
    expect(run(first.entry)).toMatch(/^<44> /);
  });

  it("lets launchers build at once: each gets a whole bundle, and no build folder is left behind", async () => {
    const built = await Promise.all([1, 2, 3].map(() => ensureServiceBundle(service, root)));
    for (const b of built) expect(run(b.entry)).toMatch(/^<1> /);
    expect(
      readdirSync(service)
        .filter((f) => f.startsWith(".bundle"))
        .sort(),
    ).toEqual([".bundle"]);
  });

  it("bundles another entry of the package into a folder of its own, beside the service's", async () => {
    write(
      join(service, "src/command.ts"),
      'import { show } from "@chainlog/lib";\nexport const run = (n: number): string => show(n + 1);\n',
    );
    const main = await ensureServiceBundle(service, root);
    const command = await ensureServiceBundle(service, root, { entry: "src/command.ts" });
    expect(command).toMatchObject({ rebuilt: true, entry: join(service, ".bundle-command/main.js") });
    const { run: runCommand } = (await import(command.entry)) as { run: (n: number) => string };
    expect(runCommand(1)).toBe("<2>");
    // each is current on its own: building one left the other as it was
    expect(await ensureServiceBundle(service, root)).toMatchObject({ rebuilt: false, entry: main.entry });
    expect(await ensureServiceBundle(service, root, { entry: "src/command.ts" })).toMatchObject({
      rebuilt: false,
    });
    write(join(root, "packages/lib/src/index.ts"), "export const show = (n: number) => '[' + n + ']';\n");
    expect(await ensureServiceBundle(service, root, { entry: "src/command.ts" })).toMatchObject({
      rebuilt: true,
      reason: "stale",
    });
  });

  it("throws what the bundler says when the service does not build", async () => {
    write(join(service, "src/main.ts"), 'import "left-pad";\n');
    await expect(ensureServiceBundle(service, root)).rejects.toThrow(
      /imports left-pad, which .* does not declare/,
    );
    expect(readdirSync(service).filter((f) => f.startsWith(".bundle"))).toEqual([]);
  });
});
