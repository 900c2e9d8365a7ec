import { join } from "node:path";
import { readBuiltRelease } from "./build-images.ts";
import { mergeRelease, readReleaseManifest, writeReleaseManifest } from "./release-manifest.ts";
import { repoRoot } from "./service-spec.ts";

/** The published manifest the stacks deploy from (infra/README.md, "Releases"). */
export const publishedReleaseFile = join(repoRoot, "infra/release/images.json");

/**
 * `pnpm images record`: adds what `pnpm images build` built to infra/release/images.json. The release workflow
 * runs it after pushing the archives, so the manifest names only images a registry holds.
 */
export function recordRelease(log: (line: string) => void): void {
  const built = readBuiltRelease();
  const merged = mergeRelease(readReleaseManifest(publishedReleaseFile), built);
  writeReleaseManifest(publishedReleaseFile, merged);
  for (const [service, versions] of Object.entries(built.services)) {
    for (const [version, image] of Object.entries(versions))
      log(`recorded ${service} ${version} ${image.digest}`);
  }
}
