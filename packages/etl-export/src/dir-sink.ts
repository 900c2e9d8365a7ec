import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ExportSink, OutputFile } from "./output-file.ts";

/**
 * Files under a local directory. They are written aside, in a hidden staging folder inside it, and renamed into
 * place only when the whole export closed: a failed or interrupted export leaves no partial file, and an
 * earlier export's files stay as they were.
 */
export function createDirSink(dir: string): ExportSink {
  mkdirSync(dir, { recursive: true });
  const staging = join(dir, `.chainlog-export-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(staging);
  const open = new Set<OutputFile>();
  const written: string[] = [];
  return {
    location: dir,
    async open(relPath) {
      const path = join(staging, relPath);
      mkdirSync(dirname(path), { recursive: true });
      const stream = createWriteStream(path);
      await once(stream, "open");
      const end = async () => {
        open.delete(file);
        if (stream.closed) return;
        stream.end();
        await once(stream, "close");
      };
      const file: OutputFile = {
        location: join(dir, relPath),
        async write(chunk) {
          if (!stream.write(chunk)) await once(stream, "drain");
        },
        async close() {
          await end();
          written.push(relPath);
        },
        abort: end,
      };
      open.add(file);
      return file;
    },
    async close() {
      for (const f of [...open]) await f.close();
      for (const relPath of written) {
        const target = join(dir, relPath);
        mkdirSync(dirname(target), { recursive: true });
        renameSync(join(staging, relPath), target);
      }
      rmSync(staging, { recursive: true, force: true });
    },
    async abort() {
      for (const f of [...open]) await f.abort();
      rmSync(staging, { recursive: true, force: true });
    },
  };
}
