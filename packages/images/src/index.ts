// What deployments read: the values the images are built with, and the release manifest. (The build, smoke test
// and bundler are commands: src/cli.ts, bin/chainlog-bundle.mjs.)
export {
  parseReleaseManifest,
  type ReleasedImage,
  type ReleaseManifest,
  ReleaseManifestError,
  readReleaseManifest,
  releasedImage,
} from "./release-manifest.ts";
export {
  containerRuntime,
  listServices,
  repoRoot,
  type ServiceImageSpec,
  ServiceSpecError,
} from "./service-spec.ts";
