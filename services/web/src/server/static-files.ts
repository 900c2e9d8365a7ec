import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export interface StaticFile {
  body: Buffer;
  /** Compressed on first use (see loadStaticFiles). */
  readonly gzip: Buffer | null;
  readonly brotli: Buffer | null;
  contentType: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map"]);

export class MissingBuildError extends Error {
  override name = "MissingBuildError";
  constructor(dir: string) {
    super(`no built app in ${dir} (index.html missing): run \`pnpm --filter @chainlog/web build\``);
  }
}

/**
 * Reads the whole build into memory once: the app is a few hundred KB, and serving from memory keeps every request
 * free of disk I/O. Each file is compressed on its first request that accepts an encoding, then kept: compressing
 * the whole build at brotli's best quality at start-up cost seconds of CPU while `chainlog start` catches up (and
 * most of it is source maps a browser rarely asks for).
 */
export async function loadStaticFiles(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    throw new MissingBuildError(dir);
  }
  for (const path of entries) {
    const urlPath = `/${relative(dir, path).split(sep).join("/")}`;
    // Vite's build manifest is for tests and tooling, not for browsers.
    if (urlPath.startsWith("/.vite/")) continue;
    const ext = extname(path);
    const body = await readFile(path);
    const compress = COMPRESSIBLE.has(ext) && body.length > 512;
    let gzip: Buffer | undefined;
    let brotli: Buffer | undefined;
    files.set(urlPath, {
      body,
      get gzip() {
        if (compress && !gzip) gzip = gzipSync(body, { level: 9 });
        return gzip ?? null;
      },
      get brotli() {
        if (compress && !brotli)
          brotli = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
        return brotli ?? null;
      },
      contentType: TYPES[ext] ?? "application/octet-stream",
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      // Vite puts a content hash in every file name under /assets/, so those never change; the rest may.
      cacheControl: urlPath.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
  }
  if (!files.has("/index.html")) throw new MissingBuildError(dir);
  return files;
}

/** Picks the best encoding the client accepts among those prepared for the file. */
export function chooseEncoding(
  file: StaticFile,
  acceptEncoding: string | undefined,
): { body: Buffer; encoding: string | null } {
  const accepted = (acceptEncoding ?? "")
    .split(",")
    .map((part) => part.trim().split(";"))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
    .map(([name]) => name?.toLowerCase());
  // asked in this order so that only an encoding the client takes is ever compressed
  const brotli = accepted.includes("br") ? file.brotli : null;
  if (brotli) return { body: brotli, encoding: "br" };
  const gzip = accepted.includes("gzip") ? file.gzip : null;
  if (gzip) return { body: gzip, encoding: "gzip" };
  return { body: file.body, encoding: null };
}
