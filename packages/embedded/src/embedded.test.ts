import { join } from "node:path";
import {
  describeBusContract,
  describeMetaStoreContract,
  describeStoreContract,
} from "@chainlog/ports/contract";
import { createSqliteBus, createSqliteMetaStore, createSqliteStore } from "./index.ts";
import { tempDir } from "./temp-dir.ts";

describeBusContract("SqliteBus", async () => {
  const tmp = tempDir();
  const bus = createSqliteBus({ path: join(tmp.dir, "bus.db"), sessionTimeoutMs: 2_000 });
  return {
    bus,
    async cleanup() {
      await bus.close();
      tmp.remove();
    },
  };
});

describeStoreContract("SqliteStore", async () => {
  const tmp = tempDir();
  const store = createSqliteStore({ path: join(tmp.dir, "store.db") });
  return {
    store,
    async cleanup() {
      await store.close();
      tmp.remove();
    },
  };
});

describeMetaStoreContract(
  "SqliteMetaStore",
  async () => {
    const tmp = tempDir();
    const meta = createSqliteMetaStore({ path: join(tmp.dir, "meta.db") });
    return {
      meta,
      async cleanup() {
        await meta.close();
        tmp.remove();
      },
    };
  },
  { atomicQuotas: true },
);
