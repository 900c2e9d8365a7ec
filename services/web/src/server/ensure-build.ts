import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Logger } from "@chainlog/telemetry";

/** Newest modification time among the app's sources (the server's own files don't change the bundle). */
function newestSourceMtime(root: string): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (!path.endsWith(".test.ts")) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["index.html", "vite.config.ts", "public", join("src", "app")]) {
    const path = join(root, entry);
    if (existsSync(path)) visit(path);
  }
  return newest;
}

/**
 * Builds the app when dist/ is missing or older than its sources, so `pnpm start` on a fresh clone (or after a
 * pull) serves the current UI. A container image ships dist/ prebuilt and never gets here.
 */
export async function ensureBuild(root: string, distDir: string, logger: Logger): Promise<void> {
  const index = join(distDir, "index.html");
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (builtAt > 0 && builtAt >= newestSourceMtime(root)) return;
  logger.info({ distDir, reason: builtAt ? "stale" : "missing" }, "building the web app");
  let viteBin: string;
  try {
    viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  } catch {
    throw new Error(
      `no built app in ${distDir} and vite is not installed: run \`pnpm --filter @chainlog/web build\``,
    );
  }
  const started = Date.now();
  // A child process with NODE_ENV=production: inside a test runner NODE_ENV is "test", which would make vite
  // bundle React's development build (twice the size, and slower).
  const child = spawn(
    process.execPath,
    [viteBin, "build", "--outDir", distDir, "--emptyOutDir", "--logLevel", "warn"],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`vite build failed with exit code ${code}`);
  logger.info({ ms: Date.now() - started }, "web app built");
}
