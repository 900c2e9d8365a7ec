import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where `pnpm start` keeps a service's bundle, beside its sources (dist/ belongs to `pnpm build`). It runs only
 * inside this checkout: its modules keep their sources' import.meta.url, and its node_modules links the checkout's
 * packages.
 */
export const bundleCacheDir = ".bundle";
const stampFile = "inputs.json";

export interface CachedBundle {
  /** The script to run with node. */
  entry: string;
  /** Built by this call (missing or stale before), or reused as it was. */
  rebuilt: boolean;
  reason?: "missing" | "stale";
  ms: number;
}

interface Stamp {
  bundler: string;
  /** Every file esbuild read, relative to the service directory, with what it was when the bundle was built. */
  inputs: Record<string, { size: number; mtimeMs: number; sha256: string }>;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** The bundler itself is an input: a change to its options (or another esbuild) rebuilds every bundle. */
function bundlerDigest(): string {
  const here = fileURLToPath(new URL("./bundle-service.ts", import.meta.url));
  const esbuild = createRequire(import.meta.url).resolve("esbuild/package.json");
  return createHash("sha256")
    .update(readFileSync(here))
    .update(JSON.parse(readFileSync(esbuild, "utf8")).version as string)
    .digest("hex");
}

/** Same size and mtime: unchanged; otherwise the content decides (a checkout touches files it does not change). */
function isCurrent(serviceDir: string, stamp: Stamp, bundler: string): boolean {
  if (stamp.bundler !== bundler) return false;
  for (const [file, was] of Object.entries(stamp.inputs)) {
    const path = resolve(serviceDir, file);
    let now: { size: number; mtimeMs: number };
    try {
      now = statSync(path);
    } catch {
      return false;
    }
    if (now.size !== was.size) return false;
    if (now.mtimeMs !== was.mtimeMs && sha256(path) !== was.sha256) return false;
  }
  return true;
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

function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, stampFile), "utf8")) as Stamp;
  } catch {
    return undefined;
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
  const dir = join(
    serviceDir,
    options.entry ? `${bundleCacheDir}-${basename(options.entry, extname(options.entry))}` : bundleCacheDir,
  );
  const entry = join(dir, "main.js");
  const bundler = bundlerDigest();
  const stamp = existsSync(entry) ? readStamp(dir) : undefined;
  if (stamp && isCurrent(serviceDir, stamp, bundler))
    return { entry, rebuilt: false, ms: Date.now() - started };

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
