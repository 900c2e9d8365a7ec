import { BlockEnvelope, decodeEnvelope, encodeEnvelope } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import {
  APPROVAL_FOR_ALL_TOPIC,
  APPROVAL_TOPIC,
  addressOf,
  blockHashOf,
  buildBlock,
  createdAddressOf,
  DEPOSIT_TOPIC,
  MAX_UINT256,
  SWAP_V2_TOPIC,
  SWAP_V3_TOPIC,
  uniqueDayStart,
} from "./fixtures.ts";
import { richBlock } from "./rich-block.ts";

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

  it("derives swaps, approvals, WETH events, prices, creations and balances from logs it really emits", () => {
    const b = richBlock(40, "fixture-test", { timestamp: 1_800_000_000 });
    const logAt = (i: number) => b.logs.find((l) => l.logIndex === i)!;
    expect(b.swaps.map((s) => logAt(s.logIndex).topics[0])).toEqual([SWAP_V2_TOPIC]);
    expect(b.swaps[0]).toMatchObject({ amount0: "1000", amount1: "-2000", price: 2 });
    expect(b.approvals.map((a) => logAt(a.logIndex).topics[0])).toEqual([
      APPROVAL_TOPIC,
      APPROVAL_FOR_ALL_TOPIC,
      APPROVAL_TOPIC,
    ]);
    expect(b.wethEvents.map((w) => logAt(w.logIndex).topics[0])).toEqual([DEPOSIT_TOPIC]);
    for (const row of [...b.swaps, ...b.approvals, ...b.wethEvents]) {
      expect(logAt(row.logIndex).transactionHash).toBe(row.transactionHash);
      expect(logAt(row.logIndex).address).toBe("pool" in row ? row.pool : row.token);
    }
    expect(b.pricePoints.map((p) => [p.quote, p.logIndex, p.timestamp])).toEqual([
      ["ETH", b.swaps[0]!.logIndex, 1_800_000_000],
      ["USD", b.swaps[0]!.logIndex, 1_800_000_000],
    ]);
    expect(b.contractCreations.map((c) => c.source)).toEqual(["trace", "receipt"]);
    expect(b.contractCreations[1]!.address).toBe(createdAddressOf(b.transactions[3]!.hash));
    expect(b.receipts[3]!.contractAddress).toBe(b.contractCreations[1]!.address);
    expect(b.balances.map((s) => [s.blockNumber, s.timestamp])).toEqual([
      [40, 1_800_000_000],
      [40, 1_800_000_000],
    ]);
    const v3 = buildBlock({
      number: 1,
      txs: [
        {
          from: addressOf("s"),
          to: null,
          swaps: [{ pool: addressOf("p"), protocol: "uniswap-v3", amount0: "-1" }],
        },
      ],
    });
    expect(v3.logs[0]!.topics[0]).toBe(SWAP_V3_TOPIC);
    expect(v3.logs[0]!.data.slice(2, 66)).toBe("f".repeat(64));
    expect(v3.swaps[0]).toMatchObject({ sqrtPriceX96: expect.any(String), tick: 13863, amount0: "-1" });
  });

  it("hands out distinct far-future days", () => {
    const [a, b] = [uniqueDayStart(), uniqueDayStart()];
    expect(b - a).toBeGreaterThanOrEqual(3 * 86_400);
    expect(a % 86_400).toBe(0);
    expect(a).toBeGreaterThan(4_000_000_000);
  });
});
