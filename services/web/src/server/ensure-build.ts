import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Logger } from "@chainlog/telemetry";
import { SOURCE_DIGEST_FILE, sourceDigest } from "./source-digest.ts";

function builtDigest(distDir: string): string {
  const stamp = join(distDir, SOURCE_DIGEST_FILE);
  return existsSync(join(distDir, "index.html")) && existsSync(stamp) ? readFileSync(stamp, "utf8") : "";
}

/**
 * Builds the app when dist/ is missing or was built from other sources, so `pnpm start` on a fresh clone (or after
 * a pull) serves the current UI. A container image ships dist/ prebuilt and never gets here.
 *
 * Several processes may call this at once (two `pnpm start`s, or a test suite beside a running app): each builds
 * into its own folder and swaps it in with renames, so nobody ever serves a half-emptied dist/.
 */
export async function ensureBuild(root: string, distDir: string, logger: Logger): Promise<void> {
  const built = builtDigest(distDir);
  const wanted = sourceDigest(root);
  if (built === wanted) return;
  logger.info({ distDir, reason: built ? "stale" : "missing" }, "building the web app");
  let viteBin: string;
  try {
    viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  } catch {
    throw new Error(
      `no built app in ${distDir} and vite is not installed: run \`pnpm --filter @chainlog/web build\``,
    );
  }
  const started = Date.now();
  const staging = `${distDir}.build-${randomBytes(4).toString("hex")}`;
  // vite.config.ts makes every build a production build, whatever NODE_ENV this process runs with.
  const child = spawn(
    process.execPath,
    [viteBin, "build", "--outDir", staging, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`vite build failed with exit code ${code}`);
  }
  swapIn(staging, distDir, wanted);
  logger.info({ ms: Date.now() - started }, "web app built");
}

/** Replaces distDir by staging; when another process swapped in the same build first, keeps theirs. */
function swapIn(staging: string, distDir: string, wanted: string): void {
  const retired = `${distDir}.old-${randomBytes(4).toString("hex")}`;
  if (existsSync(distDir)) renameSync(distDir, retired);
  try {
    renameSync(staging, distDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== "ENOTEMPTY" && code !== "EEXIST") || builtDigest(distDir) !== wanted) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  rmSync(retired, { recursive: true, force: true });
}
