import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import {
  bundleDirOf,
  bundlerDigest,
  currentBundle,
  readStamp,
  type Stamp,
  sha256,
  stampFile,
} from "./bundle-stamp.mjs";

export interface CachedBundle {
  /** The script to run with node. */
  entry: string;
  /** Built by this call (missing or stale before), or reused as it was. */
  rebuilt: boolean;
  reason?: "missing" | "stale";
  ms: number;
}

/**
 * pnpm gives each package only its own dependencies: an npm package imported by a workspace package is not in
 * the service's node_modules. The bundle gets a node_modules of its own, linking each external package to the copy
 * its importer resolves (the image installs the same set flat; see prune-node-modules.ts).
 */
function linkExternals(outdir: string, importers: Record<string, string>): void {
  for (const [name, importer] of Object.entries(importers)) {
    for (let dir = dirname(importer); ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(candidate)) {
        const link = join(outdir, "node_modules", name);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(realpathSync(candidate), link, "dir");
        break;
      }
      if (dirname(dir) === dir) break; // not installed: node reports it when the bundle imports it
    }
  }
}

/** A rename that lost to another process's (both built from the same files): theirs stays. */
const lostRace = (error: unknown) =>
  ["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "");

/** Puts staging where dir is, so a reader sees the old folder or the new one, never half of either. */
function replaceDir(staging: string, dir: string): void {
  const retired = `${dir}.old-${randomBytes(4).toString("hex")}`;
  const hadOne = existsSync(dir);
  if (hadOne) renameSync(dir, retired);
  try {
    renameSync(staging, dir);
  } catch (error) {
    if (!lostRace(error)) throw error;
  } finally {
    if (hadOne) rmSync(retired, { recursive: true, force: true });
  }
}

/**
 * The service's bundle in `<service>/.bundle/`, built with the images' bundler when it is missing or any file it
 * was made from changed. Several launchers may ask at once: each builds into a folder of its own and renames it
 * into place, so nobody starts from a half-written bundle. Throws what the bundler threw. `entry` bundles another
 * module of the package than src/main.ts (a command: src/export-command.ts), into `.bundle-export-command/`.
 */
export async function ensureServiceBundle(
  serviceDir: string,
  root?: string,
  options: { entry?: string } = {},
): Promise<CachedBundle> {
  const started = Date.now();
  const current = currentBundle(serviceDir, options.entry);
  if (current) return { entry: current, rebuilt: false, ms: Date.now() - started };
  const dir = bundleDirOf(serviceDir, options.entry);
  const entry = join(dir, "main.js");
  const bundler = bundlerDigest();
  const stamp = existsSync(entry) ? readStamp(dir) : undefined;

  const staging = `${dir}.build-${randomBytes(4).toString("hex")}`;
  try {
    // loaded only to build: a start with every bundle current never loads esbuild
    const { bundleServiceInto } = await import("./bundle-service.ts");
    const { inputs, importers } = await bundleServiceInto(serviceDir, staging, root, {
      sourceUrls: true,
      entry: options.entry,
    });
    linkExternals(staging, importers);
    const recorded: Stamp = { bundler, inputs: {} };
    for (const file of inputs) {
      if (!existsSync(file)) continue;
      const { size, mtimeMs } = statSync(file);
      recorded.inputs[relative(serviceDir, file)] = { size, mtimeMs, sha256: sha256(file) };
    }
    writeFileSync(join(staging, stampFile), `${JSON.stringify(recorded)}\n`);
    replaceDir(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { entry, rebuilt: true, reason: stamp ? "stale" : "missing", ms: Date.now() - started };
}
