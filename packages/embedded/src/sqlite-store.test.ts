import { join } from "node:path";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { tempDir } from "./temp-dir.ts";

const TABLES = [
  "blocks",
  "transactions",
  "logs",
  "token_transfers",
  "address_txs",
  "address_token_transfers",
];

describe("SqliteStore file contents", () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it("leaves no row of a rolled-back or replaced block behind, in any table", async () => {
    const path = join(tmp.dir, "store.db");
    const store = createSqliteStore({ path });
    const [x, y, z, token] = ["x", "y", "z", "t"].map((l) => addressOf(l)) as [
      string,
      string,
      string,
      string,
    ];
    const tx = (from: string, to: string | null) => ({
      from,
      to,
      transfers: [{ token, from, to: to ?? y }],
      logs: 1,
    });
    const a = buildBlock({ number: 5, fork: "a", txs: [tx(x, y), tx(y, null), tx(z, z)] });
    const b = buildBlock({ number: 5, fork: "b", txs: [tx(y, x)] });
    const c = buildBlock({ number: 6, fork: "c", txs: [tx(x, z), tx(z, y)] });

    const counts = () => {
      const db = openDatabase(path);
      const out = Object.fromEntries(
        TABLES.map((t) => [
          t,
          Number((db.prepare(`SELECT count(*) FROM ${t}`).raw().get([]) as unknown[])[0]),
        ]),
      );
      db.close();
      return out;
    };
    const empty = counts();
    await store.writeBlocks([b]);
    const onlyB = counts();

    await store.writeBlocks([a]);
    await store.rollbackBlock({ number: 5, hash: a.block.hash });
    expect(counts()).toEqual(empty);

    await store.writeBlocks([a, c]);
    await store.writeBlocks([b]); // replaces a at height 5
    await store.rollbackBlock({ number: 6, hash: c.block.hash });
    expect(counts()).toEqual(onlyB);
    await store.close();
  });

  it("rejects page limits outside 1..1000", async () => {
    const store = createSqliteStore({ path: join(tmp.dir, "limits.db") });
    await expect(store.getAddressTransactions(addressOf("x"), { limit: 0 })).rejects.toThrow(/page limit/);
    await expect(store.getAddressTransactions(addressOf("x"), { limit: 1001 })).rejects.toThrow(/page limit/);
    await store.close();
  });
});
