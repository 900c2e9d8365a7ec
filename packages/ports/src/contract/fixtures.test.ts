import { BlockEnvelope, decodeEnvelope, encodeEnvelope } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { addressOf, blockHashOf, buildBlock, MAX_UINT256 } from "./fixtures.ts";

describe("contract fixtures", () => {
  const [a, b, token] = [addressOf("a"), addressOf("b"), addressOf("token")];
  const indexed = buildBlock({
    number: 12,
    txs: [0, 1, 2, 3, 4].map((type) => ({
      from: a,
      to: type === 1 ? null : b,
      type: type as 0 | 1 | 2 | 3 | 4,
      value: MAX_UINT256,
      transfers: [{ token, from: a, to: b, standard: "erc1155" as const, batch: 2 }],
      logs: 1,
    })),
  });

  it("builds blocks the bus would accept: a valid envelope that survives the codec", () => {
    const envelope = {
      kind: "block" as const,
      chainId: indexed.chainId,
      block: indexed.block,
      transactions: indexed.transactions,
      receipts: indexed.receipts,
      logs: indexed.logs,
    };
    expect(BlockEnvelope.parse(envelope)).toEqual(envelope);
    const encoded = encodeEnvelope(envelope);
    expect(decodeEnvelope(encoded.value, encoded.headers)).toEqual(envelope);
  });

  it("numbers logs across the block and links every row to its block and transaction", () => {
    expect(indexed.logs.map((l) => l.logIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(indexed.tokenTransfers.map((t) => [t.logIndex, t.batchIndex])).toEqual(
      [0, 2, 4, 6, 8].flatMap((l) => [
        [l, 0],
        [l, 1],
      ]),
    );
    for (const row of [
      ...indexed.transactions,
      ...indexed.receipts,
      ...indexed.logs,
      ...indexed.tokenTransfers,
    ])
      expect(row.blockHash).toBe(indexed.block.hash);
    expect(indexed.receipts[1]!.contractAddress).toMatch(/^0x[0-9a-f]{40}$/);
  });

  it("gives competing blocks of one height different hashes, and chains parents by fork", () => {
    expect(blockHashOf(5, "a")).not.toBe(blockHashOf(5, "b"));
    expect(buildBlock({ number: 6, fork: "a" }).block.parentHash).toBe(blockHashOf(5, "a"));
  });
});
