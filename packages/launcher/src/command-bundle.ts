import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./repo-root.ts";

type ExportCommand = typeof import("./export-command.ts");

/**
 * `chainlog export` from its prebuilt JavaScript (rebuilt first when its sources changed), as the services run
 * from theirs: loading its ~150 modules through tsx took about a third of a second of every export. When it
 * cannot be built the command still runs, from its sources, and stderr says why.
 */
export async function loadExportCommand(
  launcherDir = join(repoRoot, "packages/launcher"),
  warn: (message: string) => void = (m) => console.error(m),
): Promise<ExportCommand> {
  try {
    const { ensureServiceBundle } = await import("@chainlog/images/bundle-cache");
    const bundle = await ensureServiceBundle(launcherDir, repoRoot, { entry: "src/export-command.ts" });
    return (await import(pathToFileURL(bundle.entry).href)) as ExportCommand;
  } catch (error) {
    warn(`could not bundle the export command (${(error as Error).message}); running it from its sources`);
    return import("./export-command.ts");
  }
}
