import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Logger } from "@chainlog/telemetry";
import { SOURCE_DIGEST_FILE, sourceDigest } from "./source-digest.ts";

/**
 * Builds the app when dist/ is missing or was built from other sources, so `pnpm start` on a fresh clone (or after
 * a pull) serves the current UI. A container image ships dist/ prebuilt and never gets here.
 */
export async function ensureBuild(root: string, distDir: string, logger: Logger): Promise<void> {
  const stamp = join(distDir, SOURCE_DIGEST_FILE);
  const built =
    existsSync(join(distDir, "index.html")) && existsSync(stamp) ? readFileSync(stamp, "utf8") : "";
  if (built === sourceDigest(root)) return;
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
  // vite.config.ts makes every build a production build, whatever NODE_ENV this process runs with.
  const child = spawn(
    process.execPath,
    [viteBin, "build", "--outDir", distDir, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`vite build failed with exit code ${code}`);
  logger.info({ ms: Date.now() - started }, "web app built");
}
