#!/usr/bin/env node
// The chainlog command (`pnpm chainlog`, `pnpm start`). `start` and `export` run from their prebuilt bundles, and
// when those are current without loading tsx: with tsx's loader in the process, starting took about half a second
// more CPU, which a catch-up or an export from a local node takes from the node. A bundle that must be (re)built
// first is built through tsx; every other command runs src/main.ts through tsx.
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentBundle } from "@chainlog/images/bundle-stamp";

/** Each module exports runCommand(argv) (src/command-bundle.ts). */
const BUNDLED = { start: "src/start.ts", export: "src/export-command.ts" };

const [command, ...rest] = process.argv.slice(2);
const entry = Object.hasOwn(BUNDLED, command) ? BUNDLED[command] : undefined;
const current = entry && currentBundle(fileURLToPath(new URL("..", import.meta.url)), entry);

let bundled;
// a bundle that does not load (a half-deleted folder) is left to the path below, which says why
if (current) bundled = await import(pathToFileURL(current).href).catch(() => undefined);
if (!bundled) {
  const { register } = await import("tsx/esm/api");
  register();
  if (entry) {
    const { loadCommandBundle } = await import("../src/command-bundle.ts");
    bundled = await loadCommandBundle(entry);
  } else await import("../src/main.ts");
}

// as src/main.ts ends a command
bundled?.runCommand(rest).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
