import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "a sha256 digest");
const version = z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/, "a semver version");

export const ReleasedImage = z.object({
  /** The manifest digest of the OCI image: what a registry keeps after a push and what a stack deploys. */
  digest,
  /** The base image it was built on (its digest in the same sense). */
  base: digest,
  /** The commit it was built from. */
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  /** Uncompressed size of its layers, and the compressed size a pull transfers. */
  sizeBytes: z.number().int().positive(),
  compressedBytes: z.number().int().positive(),
  /** sha256 of its CycloneDX SBOM file. */
  sbomSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReleasedImage = z.infer<typeof ReleasedImage>;

/**
 * service → version → image: the one record of what was built. `pnpm images build` writes one for what it built;
 * the release workflow merges it into infra/release/images.json, which the stacks deploy from.
 */
export const ReleaseManifest = z.object({
  schemaVersion: z.literal(1),
  services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.record(version, ReleasedImage)),
});
export type ReleaseManifest = z.infer<typeof ReleaseManifest>;

export class ReleaseManifestError extends Error {
  override name = "ReleaseManifestError";
}

export function parseReleaseManifest(text: string, where: string): ReleaseManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReleaseManifestError(`${where} is not JSON: ${(error as Error).message}`);
  }
  const parsed = ReleaseManifest.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ReleaseManifestError(`${where} is not a release manifest: ${issues}`);
  }
  return parsed.data;
}

export function readReleaseManifest(path: string): ReleaseManifest {
  if (!existsSync(path)) return { schemaVersion: 1, services: {} };
  return parseReleaseManifest(readFileSync(path, "utf8"), path);
}

export function writeReleaseManifest(path: string, manifest: ReleaseManifest): void {
  const sorted: ReleaseManifest = { schemaVersion: 1, services: {} };
  for (const service of Object.keys(manifest.services).sort()) {
    const versions = manifest.services[service] ?? {};
    sorted.services[service] = Object.fromEntries(
      Object.keys(versions)
        .sort()
        .map((v) => [v, versions[v] as ReleasedImage]),
    );
  }
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/**
 * Adds newly built images to a published manifest. Versions are immutable: a version already released with
 * another digest is refused (bump it with a changeset), the same digest again is a no-op.
 */
export function mergeRelease(published: ReleaseManifest, built: ReleaseManifest): ReleaseManifest {
  const out: ReleaseManifest = structuredClone(published);
  for (const [service, versions] of Object.entries(built.services)) {
    for (const [v, image] of Object.entries(versions)) {
      const existing = out.services[service]?.[v];
      if (existing && existing.digest !== image.digest) {
        throw new ReleaseManifestError(
          `${service} ${v} was released as ${existing.digest}; this build is ${image.digest}: bump its version (pnpm changeset) instead of replacing a release`,
        );
      }
      out.services[service] = { ...out.services[service], [v]: existing ?? image };
    }
  }
  return out;
}

/** The image a stack deploys for a service at a version; a version that was never released is refused. */
export function releasedImage(
  manifest: ReleaseManifest,
  service: string,
  v: string,
  where: string,
): ReleasedImage {
  const image = manifest.services[service]?.[v];
  if (!image) {
    const known = Object.keys(manifest.services[service] ?? {});
    throw new ReleaseManifestError(
      `${service} ${v} was never released (${where} has ${known.length ? known.join(", ") : "no version of it"}): deploy a released version, or release this one first`,
    );
  }
  return image;
}
