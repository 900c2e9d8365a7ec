import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The platform the images run on: optional packages built for another one (musl, darwin, arm64) are dropped. */
export interface TargetPlatform {
  os: string;
  cpu: string;
  libc: string;
}

export const imagePlatform: TargetPlatform = { os: "linux", cpu: "x64", libc: "glibc" };

export class PruneError extends Error {
  override name = "PruneError";
}

interface PackageJson {
  name?: string;
  version?: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** Neon's prebuilt-binary packages name their target here instead of declaring libc (libsql's do). */
  neon?: { node?: string };
}

export interface InstalledPackage {
  name: string;
  version: string;
  license: string | undefined;
  /** Relative to the app directory, e.g. node_modules/libsql or node_modules/a/node_modules/b. */
  path: string;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

/** npm's os/cpu/libc fields: a list of allowed values, or of "!value" exclusions. */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}

export function runsOn(pkg: PackageJson, target: TargetPlatform): boolean {
  const libc = pkg.libc ?? (pkg.neon?.node?.endsWith("-musl") ? ["musl"] : undefined);
  return allows(pkg.os, target.os) && allows(pkg.cpu, target.cpu) && allows(libc, target.libc);
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent's, never above the app directory. */
function resolveFrom(appDir: string, fromDir: string, name: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) return candidate;
    }
    if (dir === appDir) return undefined;
    const up = dirname(dir);
    if (up === dir || relative(appDir, up).startsWith("..")) return undefined;
    dir = up;
  }
}

/**
 * The package directories the app really loads: the bundle's npm imports and, from each, its dependencies,
 * optional dependencies that run on the target platform and required peers. A missing required
 * dependency is a broken install and fails here rather than in the running container.
 */
export function productionClosure(appDir: string, roots: string[], target = imagePlatform): Set<string> {
  const keep = new Set<string>();
  const visit = (fromDir: string, name: string, required: boolean, by: string) => {
    // Type declarations never load at run time; a package that lists one among its dependencies (as
    // aws-msk-iam-sasl-signer-js lists @types/buffers, which pulls @types/node) would ship it for nothing.
    if (name.startsWith("@types/")) return;
    const dir = resolveFrom(appDir, fromDir, name);
    if (!dir) {
      if (required) throw new PruneError(`${name}, required by ${by}, is not installed in ${appDir}`);
      return;
    }
    if (keep.has(dir)) return;
    const pkg = readPackage(dir);
    if (!runsOn(pkg, target)) {
      if (required)
        throw new PruneError(`${name} (required by ${by}) does not run on ${JSON.stringify(target)}`);
      return;
    }
    keep.add(dir);
    const label = `${name}@${pkg.version}`;
    for (const dep of Object.keys(pkg.dependencies ?? {}))
      visit(dir, dep, !pkg.optionalDependencies?.[dep], label);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dir, dep, false, label);
    // Optional peers (typescript for viem's types, socks for mongodb's proxy support) are left out: a package
    // works without them by definition, and code that wants one imports it, making it a root of its own.
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) {
      if (pkg.peerDependenciesMeta?.[dep]?.optional !== true) visit(dir, dep, true, label);
    }
  };
  for (const root of roots) visit(appDir, root, true, "the bundle");
  return keep;
}

/** Every installed package directory under appDir/node_modules, nested ones included. */
export function installedPackageDirs(appDir: string): string[] {
  const out: string[] = [];
  const walk = (nodeModules: string) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(nodeModules, entry.name);
      if (entry.name.startsWith("@") && entry.isDirectory()) {
        for (const scoped of readdirSync(path, { withFileTypes: true })) {
          const dir = join(path, scoped.name);
          out.push(dir);
          walk(join(dir, "node_modules"));
        }
      } else {
        out.push(path);
        walk(join(path, "node_modules"));
      }
    }
  };
  walk(join(appDir, "node_modules"));
  return out;
}

/**
 * Leaves in appDir/node_modules only the production closure of the bundle's imports: workspace sources (compiled
 * into the bundle), packages no production code reaches, other platforms' binaries and the .bin/.pnpm bookkeeping
 * all go. Returns what stays, for the SBOM.
 */
export function pruneNodeModules(
  appDir: string,
  roots: string[],
  target = imagePlatform,
): InstalledPackage[] {
  const keep = productionClosure(appDir, roots, target);
  const nodeModules = join(appDir, "node_modules");
  for (const entry of existsSync(nodeModules) ? readdirSync(nodeModules) : []) {
    if (entry.startsWith(".")) rmSync(join(nodeModules, entry), { recursive: true, force: true });
  }
  // Parents before children: a removed package takes its nested node_modules with it.
  for (const dir of installedPackageDirs(appDir)) {
    if (!existsSync(dir)) continue;
    if (!keep.has(dir)) rmSync(dir, { recursive: true, force: true });
  }
  // Scope folders left empty.
  for (const entry of existsSync(nodeModules) ? readdirSync(nodeModules) : []) {
    const path = join(nodeModules, entry);
    if (entry.startsWith("@") && readdirSync(path).length === 0) rmSync(path, { recursive: true });
  }
  return [...keep].sort().map((dir) => {
    const pkg = readPackage(dir);
    return {
      name: pkg.name ?? relative(nodeModules, dir),
      version: pkg.version ?? "0.0.0",
      license: typeof pkg.license === "string" ? pkg.license : undefined,
      path: relative(appDir, dir),
    };
  });
}
