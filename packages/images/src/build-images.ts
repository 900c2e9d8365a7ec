import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BaseImage, buildBaseImage, readBasePins } from "./base-image.ts";
import { readBundleManifest } from "./bundle-service.ts";
import { podman, run, skopeo } from "./container-tools.ts";
import { imageViolations, inspectOciArchive } from "./inspect-image.ts";
import { ociArchiveDigest } from "./oci-archive.ts";
import { pruneNodeModules } from "./prune-node-modules.ts";
import { parseReleaseManifest, type ReleaseManifest, writeReleaseManifest } from "./release-manifest.ts";
import { cycloneDxSbom } from "./sbom.ts";
import { listServices, repoRoot, type ServiceImageSpec } from "./service-spec.ts";

/** Everything `pnpm images build` makes, in the checkout (git-ignored): stage/, oci/, sbom/, release.json. */
export const outputDir = join(repoRoot, ".images");
export const releaseFile = join(outputDir, "release.json");
export const archivePath = (service: string, version: string) =>
  join(outputDir, "oci", `${service}-${version}.oci.tar`);
export const sbomPath = (service: string, version: string) =>
  join(outputDir, "sbom", `${service}-${version}.cdx.json`);
export const localImageName = (service: string) => `localhost/chainlog/${service}`;

export class ImageBuildError extends Error {
  override name = "ImageBuildError";
}

export interface BuiltImage {
  spec: ServiceImageSpec;
  digest: string;
  sizeBytes: number;
  compressedBytes: number;
  seconds: number;
}

async function gitCommit(): Promise<{ commit: string; epoch: number }> {
  const { stdout } = await run("git", ["-C", repoRoot, "log", "-1", "--format=%H %ct"]);
  const [commit = "", epoch = ""] = stdout.trim().split(" ");
  return { commit, epoch: Number(epoch) };
}

/** The service's bundle, a minimal package.json and only the npm packages the bundle loads. */
async function stageService(spec: ServiceImageSpec): Promise<ReturnType<typeof pruneNodeModules>> {
  const stage = join(outputDir, "stage", spec.service);
  const deployDir = join(outputDir, "deploy", spec.service);
  rmSync(stage, { recursive: true, force: true });
  rmSync(deployDir, { recursive: true, force: true });
  const bundle = readBundleManifest(spec.dir);
  // Production dependencies only, from the lockfile, laid out flat so the bundle resolves them from /app.
  await run(
    "pnpm",
    [
      "--filter",
      spec.packageName,
      "deploy",
      "--prod",
      "--legacy",
      "--frozen-lockfile",
      "--config.node-linker=hoisted",
      deployDir,
    ],
    { cwd: repoRoot },
  );
  mkdirSync(stage, { recursive: true });
  renameSync(join(deployDir, "node_modules"), join(stage, "node_modules"));
  rmSync(deployDir, { recursive: true, force: true });
  cpSync(join(spec.dir, "dist"), join(stage, "dist"), { recursive: true });
  writeFileSync(
    join(stage, "package.json"),
    `${JSON.stringify({ name: spec.packageName, version: spec.version, private: true, type: "module" }, null, 2)}\n`,
  );
  return pruneNodeModules(stage, bundle.externals);
}

async function buildServiceImage(
  spec: ServiceImageSpec,
  base: BaseImage,
  source: { commit: string; epoch: number },
  log: (line: string) => void,
): Promise<{ built: BuiltImage; release: ReleaseManifest["services"][string][string] }> {
  const started = Date.now();
  const lap = (() => {
    let last = started;
    return () => {
      const now = Date.now();
      const s = ((now - last) / 1000).toFixed(1);
      last = now;
      return s;
    };
  })();
  const npm = await stageService(spec);
  const staged = lap();
  const tag = `${localImageName(spec.service)}:${spec.version}`;
  log(`${spec.service} ${spec.version}: staged ${npm.length} npm packages in ${staged} s`);
  await podman(
    [
      "build",
      "--pull=never",
      "--identity-label=false",
      `--timestamp=${source.epoch}`,
      "--build-arg",
      `BASE_IMAGE=${base.reference}`,
      "--build-arg",
      `SERVICE=${spec.service}`,
      "--build-arg",
      `PORT=${spec.port}`,
      ...Object.entries(spec.env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
      ...Object.entries({
        "org.opencontainers.image.title": `chainlog/${spec.service}`,
        "org.opencontainers.image.version": spec.version,
        "org.opencontainers.image.revision": source.commit,
        "org.opencontainers.image.base.digest": base.digest,
        "org.opencontainers.image.vendor": "chainlog",
      }).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
      "-f",
      join(repoRoot, "packages/images/service.Containerfile"),
      "-t",
      tag,
      repoRoot,
    ],
    { cwd: repoRoot },
  );
  const built = lap();
  const archive = archivePath(spec.service, spec.version);
  mkdirSync(join(outputDir, "oci"), { recursive: true });
  rmSync(archive, { force: true });
  await skopeo(["copy", "--quiet", `containers-storage:${tag}`, `oci-archive:${archive}:${tag}`]);
  const digest = await ociArchiveDigest(archive);
  const archived = lap();
  const facts = await inspectOciArchive(archive);
  const inspected = lap();
  const violations = imageViolations(spec, facts);
  if (violations.length > 0) {
    throw new ImageBuildError(`${tag} is not releasable: it ${violations.join("; ")}`);
  }
  const pins = readBasePins();
  const sbom = cycloneDxSbom({
    service: spec.service,
    version: spec.version,
    digest,
    npm,
    debian: base.debian,
    node: base.node,
    debianSuite: pins.debian.suite,
    sourceDateEpoch: source.epoch,
  });
  const sbomText = `${JSON.stringify(sbom, null, 2)}\n`;
  mkdirSync(join(outputDir, "sbom"), { recursive: true });
  writeFileSync(sbomPath(spec.service, spec.version), sbomText);
  const seconds = (Date.now() - started) / 1000;
  log(
    `${spec.service} ${spec.version}: ${digest} (${(facts.sizeBytes / 1e6).toFixed(1)} MB, ${(facts.compressedBytes / 1e6).toFixed(1)} MB compressed) in ${seconds.toFixed(1)} s (podman build ${built} s, OCI archive ${archived} s, inspection ${inspected} s)`,
  );
  return {
    built: { spec, digest, sizeBytes: facts.sizeBytes, compressedBytes: facts.compressedBytes, seconds },
    release: {
      digest,
      base: base.digest,
      commit: source.commit,
      sizeBytes: facts.sizeBytes,
      compressedBytes: facts.compressedBytes,
      sbomSha256: createHash("sha256").update(sbomText).digest("hex"),
    },
  };
}

export interface BuildImagesOptions {
  /** Only these services (directory names); default every service under services/. */
  only?: string[];
  refreshBase?: boolean;
  log?: (line: string) => void;
}

/**
 * `pnpm images build`: compiles every service through turbo (one build each), builds the base and one image per
 * service tagged with its package version, writes each as an OCI archive with its digest and CycloneDX SBOM, and
 * records service → version → digest in .images/release.json. An image that breaks the rules (root user, tsx,
 * devDependencies, over the size target) fails the build.
 */
export async function buildImages(
  options: BuildImagesOptions = {},
): Promise<{ base: BaseImage; images: BuiltImage[] }> {
  const log = options.log ?? (() => undefined);
  const all = listServices();
  const unknown = (options.only ?? []).filter((s) => !all.some((x) => x.service === s));
  if (unknown.length > 0) throw new ImageBuildError(`no such service: ${unknown.join(", ")}`);
  const specs = options.only?.length ? all.filter((s) => options.only?.includes(s.service)) : all;
  const t0 = Date.now();
  log(`turbo build: ${specs.map((s) => s.packageName).join(", ")}`);
  await run("pnpm", ["exec", "turbo", "run", "build", ...specs.map((s) => `--filter=${s.packageName}`)], {
    cwd: repoRoot,
  });
  log(`compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  const base = await buildBaseImage({ refresh: options.refreshBase, log });
  log(`base ${base.tag}: ${base.digest} in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  const source = await gitCommit();
  // `--only` rebuilds some services: the others' entries stay, as long as their archives do.
  const manifest: ReleaseManifest = existsSync(releaseFile)
    ? readBuiltRelease()
    : { schemaVersion: 1, services: {} };
  for (const [service, versions] of Object.entries(manifest.services)) {
    for (const version of Object.keys(versions)) {
      if (!existsSync(archivePath(service, version))) delete versions[version];
    }
    if (Object.keys(versions).length === 0 || !all.some((s) => s.service === service))
      delete manifest.services[service];
  }
  const images: BuiltImage[] = [];
  for (const spec of specs) {
    const { built, release } = await buildServiceImage(spec, base, source, log);
    images.push(built);
    manifest.services[spec.service] = { [spec.version]: release };
  }
  rmSync(join(outputDir, "deploy"), { recursive: true, force: true });
  // Earlier builds of the same tags are left untagged: drop them, and only ours.
  await podman(["image", "prune", "--force", "--filter", "label=org.opencontainers.image.vendor=chainlog"]);
  writeReleaseManifest(releaseFile, manifest);
  if (!existsSync(releaseFile)) throw new ImageBuildError(`${releaseFile} was not written`);
  return { base, images };
}

export function readBuiltRelease(): ReleaseManifest {
  if (!existsSync(releaseFile)) {
    throw new ImageBuildError(`${releaseFile} is missing: run \`pnpm images build\` first`);
  }
  return parseReleaseManifest(readFileSync(releaseFile, "utf8"), releaseFile);
}
