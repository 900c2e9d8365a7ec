import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ExportSink, OutputFile } from "./output-file.ts";

/** Files under a local directory, written as they stream. */
export function createDirSink(dir: string): ExportSink {
  mkdirSync(dir, { recursive: true });
  const open = new Set<OutputFile>();
  return {
    location: dir,
    async open(relPath) {
      const path = join(dir, relPath);
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
        location: path,
        async write(chunk) {
          if (!stream.write(chunk)) await once(stream, "drain");
        },
        close: end,
        abort: end,
      };
      open.add(file);
      return file;
    },
    async close() {
      for (const f of [...open]) await f.close();
    },
    async abort() {
      for (const f of [...open]) await f.abort();
    },
  };
}
