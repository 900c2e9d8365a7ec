#!/usr/bin/env node
// The chainlog command (`pnpm chainlog`). An export whose prebuilt bundle is current runs it straight away: with
// tsx's loader in the process, loading that bundle cost about half a second more CPU, which an export from a local
// node takes from the node. Everything else, and an export whose bundle must be (re)built first, runs src/main.ts
// through tsx.
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentBundle } from "@chainlog/images/bundle-stamp";

const [command, ...rest] = process.argv.slice(2);
const exportBundle =
  command === "export"
    ? currentBundle(fileURLToPath(new URL("..", import.meta.url)), "src/export-command.ts")
    : undefined;

if (exportBundle) {
  const { runExportCommand } = await import(pathToFileURL(exportBundle).href);
  // as src/main.ts ends a command
  runExportCommand(rest).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
