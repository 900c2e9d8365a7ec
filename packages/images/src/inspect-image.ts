import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./container-tools.ts";
import { blobPath, ociArchiveManifest, readArchiveMember } from "./oci-archive.ts";
import { containerRuntime, repoRoot, type ServiceImageSpec } from "./service-spec.ts";

/** Largest uncompressed image, base included. */
export const maxImageBytes = 250 * 1000 * 1000;

export interface ImageFacts {
  user: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
  /** Sum of the uncompressed layers. */
  sizeBytes: number;
  /** Sum of the compressed layers (what a pull transfers). */
  compressedBytes: number;
  files: string[];
  /** Package names under /app/node_modules (nested ones included). */
  packages: string[];
}

interface OciConfig {
  config?: {
    User?: string;
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    ExposedPorts?: Record<string, unknown>;
    Volumes?: Record<string, unknown>;
  };
}

/** Reads an image from its OCI archive: configuration, every file of every layer, and their sizes. */
export async function inspectOciArchive(archive: string): Promise<ImageFacts> {
  const manifest = await ociArchiveManifest(archive);
  const config = JSON.parse(await readArchiveMember(archive, blobPath(manifest.config.digest))) as OciConfig;
  const files: string[] = [];
  let sizeBytes = 0;
  for (const layer of manifest.layers) {
    const listing = (
      await run("sh", ["-c", `tar -xOf "$0" "$1" | tar -tvzf -`, archive, blobPath(layer.digest)])
    ).stdout;
    for (const line of listing.split("\n")) {
      // -rw-r--r-- 0/0    1234 2026-12-05 00:00 ./app/dist/main.js
      const m = line.match(/^(\S+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.+?)(?: -> .*)?$/);
      if (!m) continue;
      sizeBytes += Number(m[2]);
      files.push(`/${(m[3] ?? "").replace(/^\.\//, "").replace(/\/$/, "")}`);
    }
  }
  const packages = new Set<string>();
  for (const f of files) {
    const m = f.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/);
    if (m?.[1] && f.startsWith(`${containerRuntime.appDir}/`)) packages.add(m[1]);
  }
  const c = config.config ?? {};
  return {
    user: c.User ?? "",
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    env: Object.fromEntries(
      (c.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    ),
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    sizeBytes,
    compressedBytes: manifest.layers.reduce((sum, l) => sum + l.size, 0),
    files,
    packages: [...packages].sort(),
  };
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The workspace's package manifests by name. */
function workspaceManifests(): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const group of ["packages", "services"]) {
    for (const dir of readdirSync(join(repoRoot, group))) {
      const path = join(repoRoot, group, dir, "package.json");
      if (!existsSync(path)) continue;
      const pkg = JSON.parse(readFileSync(path, "utf8")) as Manifest;
      out.set(pkg.name, pkg);
    }
  }
  return out;
}

/**
 * Packages only development needs: what the root, the service, the workspace packages it runs and the build
 * tooling declare as devDependencies (or, for the tooling, at all), less anything one of those declares for
 * production.
 */
export function developmentOnlyPackages(spec: ServiceImageSpec): Set<string> {
  const all = workspaceManifests();
  const reached = new Map<string, Manifest>();
  const visit = (name: string) => {
    const pkg = all.get(name);
    if (!pkg || reached.has(name)) return;
    reached.set(name, pkg);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  visit(spec.packageName);
  const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as Manifest;
  const builder = all.get("@chainlog/images");
  const dev = new Set([
    ...Object.keys(root.devDependencies ?? {}),
    ...Object.keys(builder?.dependencies ?? {}),
    ...Object.keys(builder?.devDependencies ?? {}),
    ...[...reached.values()].flatMap((p) => Object.keys(p.devDependencies ?? {})),
  ]);
  for (const p of reached.values()) for (const dep of Object.keys(p.dependencies ?? {})) dev.delete(dep);
  return dev;
}

/** Build and test tools: never in an image, whoever depends on them. */
const tooling =
  /^(tsx|typescript|vitest|@vitest\/.*|vite|esbuild|@esbuild\/.*|rolldown|@rolldown\/.*|@biomejs\/.*|turbo|@changesets\/.*|playwright-core)$/;
export const isTooling = (name: string) => tooling.test(name);

/** What an image must satisfy; an empty list means it does. */
export function imageViolations(spec: ServiceImageSpec, facts: ImageFacts): string[] {
  const out: string[] = [];
  const [uid, gid] = facts.user.split(":");
  if (uid !== String(containerRuntime.uid) || gid !== String(containerRuntime.gid)) {
    out.push(`runs as "${facts.user}", not ${containerRuntime.uid}:${containerRuntime.gid}`);
  }
  const command = [...facts.entrypoint, ...facts.cmd];
  if (command.join(" ") !== "/usr/local/bin/node dist/main.js")
    out.push(`starts with "${command.join(" ")}"`);
  if (command.some((a) => a.includes("tsx")) || (facts.env.NODE_OPTIONS ?? "").includes("tsx")) {
    out.push("loads tsx");
  }
  if (facts.sizeBytes > maxImageBytes)
    out.push(`is ${facts.sizeBytes} bytes uncompressed, over ${maxImageBytes}`);
  const dev = developmentOnlyPackages(spec);
  const shippedDev = facts.packages.filter((p) => dev.has(p) || isTooling(p));
  if (shippedDev.length > 0) out.push(`ships development packages: ${shippedDev.join(", ")}`);
  // Ours, that is: some npm packages publish their TypeScript beside the JavaScript, and ship as published.
  const sources = facts.files.filter(
    (f) => /\.(ts|tsx|mts)$/.test(f) && !f.endsWith(".d.ts") && !f.includes("/node_modules/"),
  );
  if (sources.length > 0) out.push(`ships TypeScript sources: ${sources.slice(0, 5).join(", ")}`);
  if (facts.files.some((f) => f.startsWith(`${containerRuntime.appDir}/node_modules/@chainlog/`))) {
    out.push("ships workspace packages' sources (they belong in the bundle)");
  }
  if (!facts.files.includes(`${containerRuntime.appDir}/dist/main.js`)) out.push("has no /app/dist/main.js");
  if (!facts.exposedPorts.includes(`${spec.port}/tcp`)) out.push(`does not expose ${spec.port}/tcp`);
  if (!facts.volumes.includes(containerRuntime.dataDir))
    out.push(`has no volume at ${containerRuntime.dataDir}`);
  for (const [k, v] of Object.entries(spec.env)) {
    if (facts.env[k] !== v) out.push(`sets ${k}=${facts.env[k] ?? "(unset)"}, not ${v}`);
  }
  if (facts.env.CHAINLOG_MODE !== undefined)
    out.push("bakes in CHAINLOG_MODE (the mode comes from configuration)");
  return out;
}
