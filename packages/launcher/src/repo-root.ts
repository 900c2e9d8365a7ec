import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root, where `node --import tsx` resolves and the services live. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
