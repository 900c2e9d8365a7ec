import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { SOURCE_DIGEST_FILE, sourceDigest } from "./src/server/source-digest.ts";

const root = dirname(fileURLToPath(import.meta.url));

/** Records which sources a build was made from, so the server rebuilds only when they changed (ensure-build). */
function sourceDigestStamp(): Plugin {
  let outDir = "dist/public";
  return {
    name: "chainlog-source-digest",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const file = join(outDir, SOURCE_DIGEST_FILE);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, sourceDigest(root));
    },
  };
}

export default defineConfig(({ command }) => {
  // A build is always the production bundle: a NODE_ENV of "development" or "test" inherited from the shell or a
  // test runner would otherwise give React's development build and JSX dev runtime (twice the size, and
  // StrictMode's double effects). Vite reads NODE_ENV after loading this file.
  if (command === "build") process.env.NODE_ENV = "production";
  return {
    plugins: [react(), sourceDigestStamp()],
    build: {
      // dist/ also holds the server bundle (dist/main.js); only public/ is served.
      outDir: "dist/public",
      emptyOutDir: true,
      target: "es2022",
      // Keep every asset a same-origin file: data: URLs for fonts would be refused by the CSP.
      assetsInlineLimit: 0,
      reportCompressedSize: true,
      // Lets the bundle test count what the first page really loads (entry, app, and their static imports).
      manifest: true,
    },
    server: {
      host: "127.0.0.1",
      port: 5173,
      // `vite dev` talks to query-api the same way the production server does.
      proxy: {
        "/v1": process.env.QUERY_API_URL ?? "http://127.0.0.1:4000",
        "/docs": process.env.QUERY_API_URL ?? "http://127.0.0.1:4000",
        "/openapi.json": process.env.QUERY_API_URL ?? "http://127.0.0.1:4000",
      },
    },
  };
});
