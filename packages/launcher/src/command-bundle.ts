import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./repo-root.ts";

/** What a command run from its bundle exports (src/export-command.ts, src/start.ts): its whole command line. */
export interface BundledCommand {
  runCommand(argv: string[]): Promise<number>;
}

/**
 * A command's module (`entry`, e.g. src/start.ts) from its prebuilt JavaScript, built first when missing or when
 * its sources changed (bin/chainlog.mjs runs a current one without loading tsx at all). When it cannot be built
 * the command still runs, from its sources beside this file, and stderr says why.
 */
export async function loadCommandBundle(
  entry: string,
  launcherDir = join(repoRoot, "packages/launcher"),
  warn: (message: string) => void = (m) => console.error(m),
): Promise<BundledCommand> {
  try {
    const { ensureServiceBundle } = await import("@chainlog/images/bundle-cache");
    const bundle = await ensureServiceBundle(launcherDir, repoRoot, { entry });
    return (await import(pathToFileURL(bundle.entry).href)) as BundledCommand;
  } catch (error) {
    warn(`could not bundle ${entry} (${(error as Error).message}); running it from its sources`);
    return (await import(new URL(`../${entry}`, import.meta.url).href)) as BundledCommand;
  }
}
