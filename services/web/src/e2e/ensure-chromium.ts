import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM_PATH } from "./browser.ts";

/**
 * vitest globalSetup: the browser tests need Debian's chromium (playwright cannot download a browser here). The
 * project installs it itself where it can (root with apt-get, as on CI and fresh machines); elsewhere the tests
 * say they were skipped and why. CI sets CHAINLOG_REQUIRE_BROWSER=1 so a missing browser fails instead.
 */
export default function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const canInstall = process.getuid?.() === 0 && spawnSync("which", ["apt-get"]).status === 0;
  if (canInstall) {
    console.log("installing chromium from Debian's packages for the browser tests");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
  }
  if (!existsSync(CHROMIUM_PATH) && process.env.CHAINLOG_REQUIRE_BROWSER === "1")
    throw new Error(`no chromium at ${CHROMIUM_PATH} and it could not be installed`);
}
