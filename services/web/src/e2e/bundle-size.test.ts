import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createLogger } from "@chainlog/telemetry";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../server/ensure-build.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = join(root, "dist", "public");
const BUDGET_BYTES = 250 * 1024;

describe("production bundle", () => {
  beforeAll(async () => {
    await ensureBuild(root, dist, createLogger("web-build", "warn"));
  });

  it("loads under 250 KB of gzipped JavaScript for the first page", () => {
    const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8")) as Record<
      string,
      { file: string; imports?: string[]; dynamicImports?: string[] }
    >;
    // The entry (the app), the home page, and everything they import statically; other pages are fetched only
    // when opened.
    const files = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const dep of chunk.imports ?? []) visit(dep);
    };
    // The entry imports the app (boot.tsx) dynamically but at once, so that chunk counts as initial too.
    for (const key of [
      "index.html",
      ...(manifest["index.html"]?.dynamicImports ?? []),
      "src/app/pages/home.tsx",
    ]) {
      expect(manifest[key], key).toBeDefined();
      visit(key);
    }
    const gzipped = [...files].reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(dist, file))).length,
      0,
    );
    console.log(`initial JS: ${files.size} file(s), ${(gzipped / 1024).toFixed(1)} KB gzip`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });

  it("is the production build (no React development build, no JSX dev runtime)", () => {
    const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8")) as Record<
      string,
      { file: string }
    >;
    for (const { file } of Object.values(manifest)) {
      if (!file.endsWith(".js")) continue;
      const code = readFileSync(join(dist, file), "utf8");
      expect(code, file).not.toContain("jsxDEV");
      expect(code, file).not.toContain("_debugOwner");
    }
  });

  it("has no inline script or style, which the CSP would block", () => {
    const html = readFileSync(join(dist, "index.html"), "utf8");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle="/);
  });
});
