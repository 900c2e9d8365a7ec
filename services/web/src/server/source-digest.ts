import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Files whose content decides the bundle (the server's own files and the tests don't). */
const SOURCES = ["index.html", "vite.config.ts", "package.json", "public", join("src", "app")];

/** Where a build records the digest of the sources it was made from (under .vite/, which is never served). */
export const SOURCE_DIGEST_FILE = join(".vite", "source-digest");

/**
 * A digest of the app's sources by content, not modification time: a copy or checkout that does not keep mtimes
 * (CI workspaces, archives) must neither serve an old bundle nor rebuild a current one.
 */
export function sourceDigest(root: string): string {
  const hash = createHash("sha256");
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else if (!path.endsWith(".test.ts")) {
      hash.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  for (const entry of SOURCES) {
    const path = join(root, entry);
    if (existsSync(path)) visit(path);
  }
  return hash.digest("hex");
}
