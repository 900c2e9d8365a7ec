import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { describe, expect, it } from "vitest";
import { blockRows, keyOf } from "./block-rows.ts";
import { BlockTables } from "./schema/tables.ts";

describe("blockRows", () => {
  const [a, b, token] = [addressOf("rows-a"), addressOf("rows-b"), addressOf("rows-token")];
  const block = buildBlock({
    number: 250_001,
    txs: [
      { from: a, to: b, transfers: [{ token, from: a, to: b, value: "1" }] },
      { from: a, to: a },
      { from: b, to: null },
    ],
  });
  const rows = blockRows(block, 100_000);

  it("writes every value with its table's full column list", () => {
    for (const r of [...rows.derived, ...rows.block]) {
      const t = BlockTables[r.table];
      expect(r.values).toHaveLength(t.key.length + t.data.length);
      expect(keyOf(r)).toHaveLength(t.key.length);
    }
  });

  it("indexes a transaction once per distinct party, in the block's bucket", () => {
    const byAddress = rows.derived.filter((r) => r.table === "txs_by_address");
    // tx0: a, b; tx1: a (self-transfer once); tx2: b and the created contract
    expect(byAddress).toHaveLength(5);
    expect(new Set(byAddress.map((r) => r.values[1]))).toEqual(new Set([2]));
    expect(rows.buckets).toContainEqual([a, "tx", 2]);
    expect(rows.buckets).toContainEqual([b, "tt", 2]);
  });

  it("keeps the block rows apart, to be written last", () => {
    expect(rows.block.map((r) => r.table)).toEqual(["blocks_by_hash", "blocks_by_number"]);
    expect(rows.derived.some((r) => r.table.startsWith("blocks_"))).toBe(false);
    expect(rows.derived.filter((r) => r.table === "transfers_by_token")).toHaveLength(1);
    expect(rows.derived.filter((r) => r.table === "token_transfers_by_token")).toHaveLength(0);
  });
});
