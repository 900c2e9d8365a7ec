import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineInstallError } from "../errors.ts";
import { withLock } from "../process/lock.ts";
import { runCommand } from "../process/run-command.ts";
import { Versions } from "../versions.ts";
import { checkGo, goBuildEnv } from "./toolchain.ts";

const Module = "github.com/FerretDB/FerretDB";

export interface InstalledFerretDb {
  binary: string;
  fresh: boolean;
}

/**
 * Builds FerretDB's own CLI from its module source. `go install …/cmd/ferretdb@v1.24.2` cannot be used:
 * the module lacks build/version/version.txt, which the binary panics on (FerretDB issue #2982), and here
 * the proxy also refuses the version list `go install` asks for. So: `go mod download` the pinned version,
 * add version.txt, `go build` — pure Go (CGO off; SQLite is modernc's), Go's caches kept under <cacheDir>/go
 * during the build only.
 */
export async function installFerretDb(cacheDir: string): Promise<InstalledFerretDb> {
  const target = join(cacheDir, `ferretdb-${Versions.ferretdb}`);
  const binary = join(target, "bin", "ferretdb");
  if (existsSync(binary)) return { binary, fresh: false };
  mkdirSync(cacheDir, { recursive: true });
  return withLock(target, async () => {
    if (existsSync(binary)) return { binary, fresh: false };
    await checkGo();
    const env = goBuildEnv(join(cacheDir, "go"));
    const work = `${target}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const downloaded = await runCommand({
      command: "go",
      args: ["mod", "download", "-json", `${Module}@${Versions.ferretdb}`],
      cwd: work,
      env,
    });
    const dir = (JSON.parse(downloaded) as { Dir?: string }).Dir;
    if (!dir)
      throw new EngineInstallError(
        `go mod download gave no source folder for ${Module}@${Versions.ferretdb}`,
      );
    const src = join(work, "src");
    cpSync(dir, src, { recursive: true });
    writeFileSync(join(src, "build", "version", "version.txt"), `${Versions.ferretdb}\n`);
    await runCommand({
      command: "go",
      args: ["build", "-trimpath", "-o", join(work, "bin", "ferretdb"), "./cmd/ferretdb"],
      cwd: src,
      env,
    });
    rmSync(src, { recursive: true, force: true });
    // the module (~650 MB) and build (~350 MB) caches only serve a rebuild, which a version bump alone causes
    rmSync(join(cacheDir, "go"), { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(work, target);
    return { binary, fresh: true };
  });
}
