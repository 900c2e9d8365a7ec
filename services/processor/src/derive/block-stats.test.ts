import { block483920 } from "@chainlog/decoders/test-support";
import type { IndexedBlock } from "@chainlog/ports";
import { mergeBlockStats, utcDay } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { indexBlock } from "../index-block.ts";

/** Mainnet block 483,920 (3 Nov 2015) indexed: 4 transactions, 2 token transfers. */
function indexed483920(): IndexedBlock {
  return indexBlock({ kind: "block", chainId: 1, ...block483920() }).indexed;
}

/** The day rows a store returns: merged from the blocks' own stats rows. */
const aggregateDaily = (blocks: IndexedBlock[]) =>
  mergeBlockStats(blocks.map((b) => ({ ...b.stats, chainId: b.chainId })));

describe("block stats of indexed blocks, merged into days", () => {
  it("sums a real mainnet block: transactions, gas, fees, active addresses, transfers per token", () => {
    const b = indexed483920();
    const [day] = aggregateDaily([b]);
    const fees = b.receipts.reduce((s, r) => s + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice ?? "0"), 0n);
    expect(day).toEqual({
      chainId: 1,
      day: "2015-11-03",
      blocks: 1,
      transactions: 4,
      gasUsed: b.block.gasUsed,
      fees: fees.toString(),
      activeAddresses: new Set(b.transactions.flatMap((t) => [t.from, t.to ?? t.from])).size,
      transfersPerToken: { "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd": 2 },
    });
    expect(BigInt(day?.fees ?? 0)).toBeGreaterThan(0n);
  });

  it("splits by UTC day and chain, and counts an address once per day", () => {
    const b = indexed483920();
    const nextDay = { ...b, stats: { ...b.stats, day: utcDay(b.block.timestamp + 86_400) } };
    const otherChain = { ...b, chainId: 5 };
    const out = aggregateDaily([b, b, nextDay, otherChain]);
    expect(out.map((d) => [d.chainId, d.day, d.blocks, d.transactions])).toEqual([
      [1, "2015-11-03", 2, 8],
      [1, "2015-11-04", 1, 4],
      [5, "2015-11-03", 1, 4],
    ]);
    expect(out[0]?.activeAddresses).toBe(out[1]?.activeAddresses);
    expect(utcDay(0)).toBe("1970-01-01");
  });
});
