import { join } from "node:path";
import {
  describeBusContract,
  describeChainDataContract,
  describeMetaStoreContract,
  describeOperationalStateContract,
} from "@chainlog/ports/contract";
import {
  createSqliteBus,
  createSqliteMetaStore,
  createSqliteOperationalState,
  createSqliteStore,
} from "./index.ts";
import { tempDir } from "./temp-dir.ts";

/** Opens adapters on files in a fresh directory; cleanup closes them and removes the directory. */
function inTempDir<T extends { close(): Promise<void> }>(open: (dir: string) => T[]) {
  const tmp = tempDir();
  const opened = open(tmp.dir);
  return {
    opened,
    async cleanup() {
      for (const o of opened) await o.close();
      tmp.remove();
    },
  };
}

describeBusContract("SqliteBus", async () => {
  const { opened, cleanup } = inTempDir((dir) => [
    createSqliteBus({ path: join(dir, "bus.db"), sessionTimeoutMs: 2_000 }),
  ]);
  return { bus: opened[0]!, cleanup };
});

// The writer and the read model opened apart on one file, as the processor and query-api processes open it.
describeChainDataContract("SqliteStore", async () => {
  const { opened, cleanup } = inTempDir((dir) => [
    createSqliteStore({ path: join(dir, "store.db") }),
    createSqliteStore({ path: join(dir, "store.db") }),
  ]);
  return { writer: opened[0]!, readModel: opened[1]!, cleanup };
});

describeOperationalStateContract("SqliteStore", async () => {
  const { opened, cleanup } = inTempDir((dir) => [createSqliteStore({ path: join(dir, "store.db") })]);
  return { state: opened[0]!, cleanup };
});

describeOperationalStateContract("SqliteOperationalState (alone)", async () => {
  const { opened, cleanup } = inTempDir((dir) => [
    createSqliteOperationalState({ path: join(dir, "store.db") }),
  ]);
  return { state: opened[0]!, cleanup };
});

describeMetaStoreContract(
  "SqliteMetaStore",
  async () => {
    const { opened, cleanup } = inTempDir((dir) => [createSqliteMetaStore({ path: join(dir, "meta.db") })]);
    return { meta: opened[0]!, cleanup };
  },
  { atomicQuotas: true },
);
