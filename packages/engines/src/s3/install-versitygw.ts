import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EngineInstallError } from "../errors.ts";
import { goBuildEnv } from "../install/toolchain.ts";
import { withLock } from "../process/lock.ts";
import { runCommand } from "../process/run-command.ts";

/** Versity's S3 gateway: a real S3 API server (SigV4, multipart, path-style) over a plain directory. */
export const VersityGw = {
  module: "github.com/versity/versitygw",
  version: "v1.8.0",
  /** its go.mod says go 1.25.0 */
  minGoMinor: 25,
} as const;

/**
 * Builds versitygw from the Go module proxy (`go install <module>/cmd/versitygw@<pinned>`; it has no replace
 * directives) into <cacheDir>/versitygw-<version>/bin. Pure Go, CGO off; the module and build caches live in
 * the work folder during the build only (~0.5 GB) and go with it.
 */
export async function installVersityGw(cacheDir: string): Promise<string> {
  const target = join(cacheDir, `versitygw-${VersityGw.version}`);
  const binary = join(target, "bin", "versitygw");
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  return withLock(target, async () => {
    if (existsSync(binary)) return binary;
    const go = await runCommand({ command: "go", args: ["version"], timeoutMs: 60_000 }).catch((e) => {
      throw new EngineInstallError(
        `Go ≥ 1.${VersityGw.minGoMinor} is needed to build the S3 test server: ${(e as Error).message}`,
        { cause: e },
      );
    });
    const minor = Number(/go1\.(\d+)/.exec(go)?.[1]);
    if (!(minor >= VersityGw.minGoMinor))
      throw new EngineInstallError(
        `Go ≥ 1.${VersityGw.minGoMinor} needed for versitygw, found: ${go.trim()}`,
      );
    const work = `${target}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    try {
      await runCommand({
        command: "go",
        args: ["install", "-trimpath", `${VersityGw.module}/cmd/versitygw@${VersityGw.version}`],
        cwd: work,
        env: { ...goBuildEnv(join(work, "go")), GOBIN: join(work, "bin") },
      });
      rmSync(join(work, "go"), { recursive: true, force: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(work, target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return binary;
  });
}
