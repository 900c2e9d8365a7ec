import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

/** What the image stage needs to know about a bundle: the npm packages it loads at run time. */
export interface BundleManifest {
  entry: string;
  /** npm packages the bundle imports (left external), each a production dependency of its importer. */
  externals: string[];
}

export const bundleManifestFile = "bundle.json";

export class BundleError extends Error {
  override name = "BundleError";
}

/** "@scope/name/sub/path" → "@scope/name"; "name/sub" → "name". */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifests = new Map<string, { dir: string; pkg: Manifest }>();
export function owningPackage(file: string): { dir: string; pkg: Manifest } {
  let dir = dirname(file);
  for (;;) {
    const cached = manifests.get(dir);
    if (cached) return cached;
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const found = { dir, pkg: JSON.parse(readFileSync(path, "utf8")) as Manifest };
      manifests.set(dir, found);
      return found;
    }
    const up = dirname(dir);
    if (up === dir) throw new BundleError(`no package.json above ${file}`);
    dir = up;
  }
}

/**
 * Workspace code (@chainlog/*) is compiled into the bundle; every npm package stays external and ships in
 * node_modules, exactly as installed (native addons, files read at run time, optional peers keep working).
 * Each import must be a production dependency of the package that makes it: a devDependency reached from
 * production code fails the build instead of failing in the image.
 */
function productionImportsOnly(root: string, externals: Map<string, string>): Plugin {
  return {
    name: "chainlog-production-imports",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (!args.importer) return undefined;
        const name = packageNameOf(args.path);
        const { dir, pkg } = owningPackage(args.importer);
        const declared =
          pkg.dependencies?.[name] ?? pkg.optionalDependencies?.[name] ?? pkg.peerDependencies?.[name];
        const from = relative(root, args.importer);
        if (declared === undefined) {
          const dev = pkg.devDependencies?.[name] !== undefined;
          throw new BundleError(
            dev
              ? `${from} imports ${name}, a devDependency of ${pkg.name}: production code cannot use it (move it to dependencies, or the import to a test)`
              : `${from} imports ${name}, which ${relative(root, join(dir, "package.json"))} does not declare`,
          );
        }
        if (name.startsWith("@chainlog/")) return undefined;
        if (!externals.has(name)) externals.set(name, args.importer);
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * For a bundle run inside the checkout: each module's import.meta.url stays its source file's, so whatever a
 * package finds beside its sources (lake models, contracts, the web app's root) is found as under tsx.
 */
// spelled in pieces: this file is bundled too (the launcher's start), and the plugin must not rewrite itself
const IMPORT_META_URL = ["import", "meta", "url"].join(".");
const importMetaUrlOfSources: Plugin = {
  name: "chainlog-source-import-meta-url",
  setup(b) {
    // the workspace's sources: its TypeScript and its few plain ES modules (never node_modules: they are external)
    b.onLoad({ filter: /\.([cm]?tsx?|mjs)$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes(IMPORT_META_URL)) return undefined;
      return {
        contents: text.replaceAll(IMPORT_META_URL, JSON.stringify(pathToFileURL(args.path).href)),
        loader: args.path.endsWith(".mjs") ? "js" : args.path.endsWith("x") ? "tsx" : "ts",
      };
    });
  },
};

/** A bundle written somewhere, with the files esbuild read to make it (absolute paths). */
export interface BuiltBundle {
  manifest: BundleManifest;
  inputs: string[];
  /** For each external package, a file that imports it (the first one seen): where to resolve it from. */
  importers: Record<string, string>;
}

/**
 * Compiles one service into dist/: main.js plus lazily loaded chunks (the adapters a mode does not use are never
 * loaded), with source maps, and dist/bundle.json listing the npm packages it needs at run time.
 */
export async function bundleService(
  serviceDir: string,
  root = join(serviceDir, "../.."),
): Promise<BundleManifest> {
  const outdir = join(serviceDir, "dist");
  // Only this bundler's outputs: a service may build other things into dist/ (web's UI goes to dist/public).
  for (const old of ["main.js", "main.js.map", "chunks", bundleManifestFile]) {
    rmSync(join(outdir, old), { recursive: true, force: true });
  }
  return (await bundleServiceInto(serviceDir, outdir, root)).manifest;
}

/**
 * The same bundle into any folder (`sourceUrls`: see importMetaUrlOfSources). `entry` (default src/main.ts, a
 * service's) is the module it starts from; it is written as main.js whatever its name.
 */
export async function bundleServiceInto(
  serviceDir: string,
  outdir: string,
  root = join(serviceDir, "../.."),
  options: { sourceUrls?: boolean; entry?: string } = {},
): Promise<BuiltBundle> {
  const entry = join(serviceDir, options.entry ?? "src/main.ts");
  if (!existsSync(entry))
    throw new BundleError(
      `${relative(root, entry)} does not exist: ${options.entry ? "no entry to bundle" : "a service starts from src/main.ts"}`,
    );
  mkdirSync(outdir, { recursive: true });
  const externals = new Map<string, string>();
  const result = await build({
    entryPoints: { main: entry },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    splitting: true,
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
    metafile: true,
    plugins: [
      productionImportsOnly(root, externals),
      ...(options.sourceUrls ? [importMetaUrlOfSources] : []),
    ],
  });
  const manifest: BundleManifest = { entry: "main.js", externals: [...externals.keys()].sort() };
  writeFileSync(join(outdir, bundleManifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
  // metafile paths are relative to esbuild's working directory
  const inputs = Object.keys(result.metafile.inputs).map((file) => resolve(file));
  return { manifest, inputs, importers: Object.fromEntries(externals) };
}

export function readBundleManifest(serviceDir: string): BundleManifest {
  const path = join(serviceDir, "dist", bundleManifestFile);
  if (!existsSync(path)) {
    throw new BundleError(`${path} is missing: build the service first (pnpm turbo run build)`);
  }
  return JSON.parse(readFileSync(path, "utf8")) as BundleManifest;
}
