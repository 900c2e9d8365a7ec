import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sourceDigest } from "./source-digest.ts";

const roots: string[] = [];
function app(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "web-digest-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("sourceDigest", () => {
  const files = { "index.html": "<html>", "src/app/app.tsx": "export {}", "src/server/main.ts": "server" };

  it("ignores modification times, the server's files and tests", () => {
    const a = app(files);
    const b = app({ ...files, "src/server/main.ts": "changed", "src/app/app.test.ts": "test" });
    utimesSync(join(b, "src/app/app.tsx"), new Date(0), new Date(0));
    expect(sourceDigest(a)).toBe(sourceDigest(b));
  });

  it("changes with any app source, and with a file's name", () => {
    const base = sourceDigest(app(files));
    expect(sourceDigest(app({ ...files, "src/app/app.tsx": "export {};" }))).not.toBe(base);
    expect(sourceDigest(app({ ...files, "vite.config.ts": "x" }))).not.toBe(base);
    const renamed = { "index.html": "<html>", "src/app/main.tsx": "export {}" };
    expect(sourceDigest(app(renamed))).not.toBe(base);
  });
});
