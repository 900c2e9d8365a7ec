import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteBus } from "./sqlite-bus.ts";
import { createSqliteMetaStore } from "./sqlite-meta-store.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { tempDir } from "./temp-dir.ts";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("embedded files are readable by their owner only", () => {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let root = "";
  const umask = process.umask();
  afterEach(() => {
    process.umask(umask);
    tmp?.remove();
  });

  it("creates the directory 0700 and every database, WAL and shared-memory file 0600, whatever the umask", async () => {
    process.umask(0o022);
    tmp = tempDir("chainlog-modes-");
    root = tmp.dir;
    const dir = join(root, "data", "nested");
    const meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
    const store = createSqliteStore({ path: join(dir, "store.db") });
    const bus = createSqliteBus({ path: join(dir, "bus.db") });
    await meta.migrate();
    await store.migrate();
    await meta.createUser({ email: "modes@example.org", passwordHash: "scrypt$x" });
    try {
      expect(mode(join(root, "data"))).toBe(0o700);
      expect(mode(dir)).toBe(0o700);
      for (const name of ["meta.db", "store.db", "bus.db"])
        for (const suffix of ["", "-wal", "-shm"])
          expect([name + suffix, mode(join(dir, name + suffix))]).toEqual([name + suffix, 0o600]);
    } finally {
      await bus.close();
      await store.close();
      await meta.close();
    }
  });

  it("narrows a world-readable database left by an older version", async () => {
    process.umask(0o022);
    tmp = tempDir("chainlog-modes-");
    root = tmp.dir;
    const path = join(root, "meta.db");
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    const meta = createSqliteMetaStore({ path });
    await meta.migrate();
    try {
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
    } finally {
      await meta.close();
    }
  });
});
