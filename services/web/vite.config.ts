import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
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
});
