#!/usr/bin/env node
// A service's `build` script: compiles the service in the current directory into dist/ (see src/bundle-service.ts).
// Builds run from a checkout, where tsx is installed; the images never contain it.
import { register } from "tsx/esm/api";

register();
const { bundleService } = await import("../src/bundle-service.ts");
const started = Date.now();
try {
  const { externals } = await bundleService(process.cwd());
  console.log(
    `bundled ${process.cwd()} in ${Date.now() - started} ms; runtime packages: ${externals.join(", ")}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
