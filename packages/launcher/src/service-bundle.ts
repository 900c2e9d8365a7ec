import type { Logger } from "@chainlog/telemetry";
import { repoRoot } from "./repo-root.ts";
import { type ServiceName, serviceDir } from "./service-process.ts";

/**
 * The service's prebuilt JavaScript (rebuilt first when its sources changed): a node process starts from it in a
 * fraction of the time tsx takes to load the TypeScript. When it cannot be built the service still runs, from its
 * sources through tsx, and the log says why.
 */
export async function serviceBundle(
  name: ServiceName,
  logger: Logger,
  dir = serviceDir(name),
): Promise<string | undefined> {
  try {
    const { ensureServiceBundle } = await import("@chainlog/images/bundle-cache");
    const bundle = await ensureServiceBundle(dir, repoRoot);
    if (bundle.rebuilt)
      logger.info({ service: name, reason: bundle.reason, ms: bundle.ms }, "service bundled");
    return bundle.entry;
  } catch (error) {
    logger.warn(
      { service: name, err: error },
      "could not bundle the service; running it from its TypeScript sources through tsx",
    );
    return undefined;
  }
}
