// Whether a cached bundle is still what its sources would build. Plain JavaScript, so the chainlog command can run
// a current bundle without loading tsx (see packages/launcher/bin/chainlog.mjs); bundle-cache.ts builds the
// bundles and writes the stamps this reads.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where `pnpm start` keeps a service's bundle, beside its sources (dist/ belongs to `pnpm build`). It runs only
 * inside this checkout: its modules keep their sources' import.meta.url, and its node_modules links the checkout's
 * packages.
 */
const bundleCacheDir = ".bundle";
export const stampFile = "inputs.json";

export const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** The folder of a package's bundle: `.bundle`, or `.bundle-<name>` for another entry than src/main.ts. */
export function bundleDirOf(serviceDir, entry) {
  return join(serviceDir, entry ? `${bundleCacheDir}-${basename(entry, extname(entry))}` : bundleCacheDir);
}

/** The bundler itself is an input: a change to its options (or another esbuild) rebuilds every bundle. */
export function bundlerDigest() {
  const here = fileURLToPath(new URL("./bundle-service.ts", import.meta.url));
  const esbuild = createRequire(import.meta.url).resolve("esbuild/package.json");
  return createHash("sha256")
    .update(readFileSync(here))
    .update(JSON.parse(readFileSync(esbuild, "utf8")).version)
    .digest("hex");
}

export function readStamp(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, stampFile), "utf8"));
  } catch {
    return undefined;
  }
}

/** Same size and mtime: unchanged; otherwise the content decides (a checkout touches files it does not change). */
function isCurrent(serviceDir, stamp, bundler) {
  if (stamp.bundler !== bundler) return false;
  for (const [file, was] of Object.entries(stamp.inputs)) {
    const path = resolve(serviceDir, file);
    let now;
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
 * The entry script of the package's bundle if it is built and current, else undefined: it needs building (and
 * whatever kept this from telling, such as a stamp of another shape, the build will say).
 */
export function currentBundle(serviceDir, entry) {
  const dir = bundleDirOf(serviceDir, entry);
  const main = join(dir, "main.js");
  try {
    if (!existsSync(main)) return undefined;
    const stamp = readStamp(dir);
    return stamp && isCurrent(serviceDir, stamp, bundlerDigest()) ? main : undefined;
  } catch {
    return undefined;
  }
}
