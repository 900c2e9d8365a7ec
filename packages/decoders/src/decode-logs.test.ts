import type { Log } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { decodeLogs, decodeTokenTransfers } from "./decode-logs.ts";
import { EventTopics } from "./signatures.ts";
import { block483920 } from "./test-support/fixtures.ts";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const topicOf = (a: string) => `0x${a.slice(2).padStart(64, "0")}`;
const uint = (v: bigint) => v.toString(16).padStart(64, "0");

function log(topics: string[], data: string, logIndex = 0): Log {
  return {
    blockNumber: 1,
    blockHash: `0x${"11".repeat(32)}`,
    transactionHash: `0x${"22".repeat(32)}`,
    transactionIndex: 0,
    logIndex,
    address: "0x00000000000000000000000000000000000000aa",
    topics,
    data,
  };
}

describe("decodeLogs: ERC-1155 TransferBatch", () => {
  const topics = [EventTopics.TransferBatch, topicOf(addr(1)), topicOf(addr(2)), topicOf(addr(3))];

  it("emits one row per id with its batchIndex", () => {
    // head: offset(ids)=0x40, offset(values)=0xa0; ids=[7,8]; values=[100,200]
    const data = `0x${uint(0x40n)}${uint(0xa0n)}${uint(2n)}${uint(7n)}${uint(8n)}${uint(2n)}${uint(100n)}${uint(200n)}`;
    const { tokenTransfers, skippedTotal } = decodeLogs([log(topics, data)]);
    expect(skippedTotal).toBe(0);
    expect(tokenTransfers.map((t) => [t.tokenId, t.value, t.batchIndex, t.operator, t.from, t.to])).toEqual([
      ["7", "100", 0, addr(1), addr(2), addr(3)],
      ["8", "200", 1, addr(1), addr(2), addr(3)],
    ]);
  });

  it.each([
    ["an offset past the data", `0x${uint(0x400n)}${uint(0xa0n)}${uint(0n)}${uint(0n)}`],
    ["a hostile array length", `0x${uint(0x40n)}${uint(0x60n)}${uint((1n << 255n) + 1n)}${uint(0n)}`],
    ["a length beyond the data", `0x${uint(0x40n)}${uint(0x60n)}${uint(50n)}${uint(50n)}`],
    [
      "ids and values of different lengths",
      `0x${uint(0x40n)}${uint(0x80n)}${uint(1n)}${uint(9n)}${uint(0n)}`,
    ],
    ["a misaligned offset", `0x${uint(0x41n)}${uint(0x60n)}${uint(0n)}${uint(0n)}`],
    ["data that is not word-aligned", `0x${uint(0x40n)}${uint(0x60n)}${uint(0n)}${uint(0n)}00`],
  ])("skips and counts %s", (_, data) => {
    const decoded = decodeLogs([log(topics, data)]);
    expect(decoded.tokenTransfers).toEqual([]);
    expect(decoded.skipped).toEqual({ transferBatch: 1 });
  });
});

describe("decodeLogs: malformed logs are skipped and counted, never thrown", () => {
  const from = topicOf(addr(1));
  const to = topicOf(addr(2));
  it.each([
    ["Transfer with 2 topics and 1 word", [EventTopics.Transfer, from], `0x${uint(1n)}`, "transfer"],
    [
      "Transfer with 3 topics and 2 words",
      [EventTopics.Transfer, from, to],
      `0x${uint(1n)}${uint(1n)}`,
      "transfer",
    ],
    [
      "Transfer with 4 topics and 1 word",
      [EventTopics.Transfer, from, to, from],
      `0x${uint(1n)}`,
      "transfer",
    ],
    ["Transfer with a half word", [EventTopics.Transfer, from, to], "0x0001", "transfer"],
    ["Transfer with non-hex data", [EventTopics.Transfer, from, to], `0x${"zz".repeat(32)}`, "transfer"],
    ["Transfer with a short topic", [EventTopics.Transfer, "0x01", to], `0x${uint(1n)}`, "transfer"],
    [
      "TransferSingle with 3 words",
      [EventTopics.TransferSingle, from, from, to],
      `0x${uint(1n).repeat(3)}`,
      "transferSingle",
    ],
    ["V2 Swap with 3 words", [EventTopics.SwapV2, from, to], `0x${uint(1n).repeat(3)}`, "swapV2"],
    [
      "V3 Swap with a tick beyond int24",
      [EventTopics.SwapV3, from, to],
      `0x${uint(1n).repeat(4)}${uint(1n << 30n)}`,
      "swapV3",
    ],
    [
      "V3 Swap with liquidity beyond uint128",
      [EventTopics.SwapV3, from, to],
      `0x${uint(1n).repeat(3)}${uint(1n << 200n)}${uint(0n)}`,
      "swapV3",
    ],
    ["Sync with reserves beyond uint112", [EventTopics.SyncV2], `0x${uint(1n << 120n)}${uint(1n)}`, "syncV2"],
    ["Deposit without the indexed account", [EventTopics.Deposit], `0x${uint(1n)}${uint(1n)}`, "weth"],
    [
      "ApprovalForAll with a bool of 2",
      [EventTopics.ApprovalForAll, from, to],
      `0x${uint(2n)}`,
      "approvalForAll",
    ],
    ["Approval with 2 words", [EventTopics.Approval, from, to], `0x${uint(1n)}${uint(1n)}`, "approval"],
  ])("%s", (_, topics, data, reason) => {
    const decoded = decodeLogs([log(topics as string[], data as string)]);
    expect(decoded.skipped).toEqual({ [reason as string]: 1 });
    expect(decoded.skippedTotal).toBe(1);
    expect(
      decoded.tokenTransfers.length +
        decoded.swaps.length +
        decoded.syncs.length +
        decoded.approvals.length +
        decoded.wethEvents.length,
    ).toBe(0);
  });

  it("keeps decoding the good logs around a bad one, and ignores unknown events", () => {
    const good = log([EventTopics.Transfer, from, to], `0x${uint(5n)}`, 0);
    const bad = log([EventTopics.Transfer, from], `0x${uint(5n)}`, 1);
    const unknown = log([`0x${"ab".repeat(32)}`], "0x", 2);
    const anonymous = log([], "0x", 3);
    const decoded = decodeLogs([good, bad, unknown, anonymous, { ...good, logIndex: 4 }]);
    expect(decoded.tokenTransfers.map((t) => [t.logIndex, t.value, t.standard])).toEqual([
      [0, "5", "erc20"],
      [4, "5", "erc20"],
    ]);
    expect(decoded.skippedTotal).toBe(1);
  });

  it("decodeTokenTransfers gives decodeLogs' transfers alone, bad and other events left out alike", () => {
    const good = log([EventTopics.Transfer, from, to], `0x${uint(5n)}`, 0);
    const bad = log([EventTopics.Transfer, from], `0x${uint(5n)}`, 1);
    const approval = log([EventTopics.Approval, from, to], `0x${uint(1n)}`, 2);
    const nft = log([EventTopics.Transfer, from, to, `0x${uint(7n)}`], "0x", 3);
    for (const logs of [[good, bad, approval, nft, log([], "0x", 4)], block483920().logs])
      expect(decodeTokenTransfers(logs)).toEqual(decodeLogs(logs).tokenTransfers);
    expect(decodeTokenTransfers(block483920().logs).length).toBeGreaterThan(0);
  });

  it("decodes the maximum uint256 and negative int256 exactly", () => {
    const max = (1n << 256n) - 1n;
    const [t] = decodeLogs([log([EventTopics.Transfer, from, to], `0x${uint(max)}`)]).tokenTransfers;
    expect(t?.value).toBe(max.toString());
    const minus = (x: bigint) => uint((1n << 256n) - x);
    const [s] = decodeLogs([
      log(
        [EventTopics.SwapV3, from, to],
        `0x${minus(5n)}${uint(7n)}${uint(1n << 96n)}${uint(10n)}${minus(3n)}`,
      ),
    ]).swaps;
    expect(s).toMatchObject({ amount0: "-5", amount1: "7", tick: -3, sqrtPriceX96: (1n << 96n).toString() });
  });
});

describe("decodeLogs: ERC-4626 Deposit / Withdraw", () => {
  const [caller, staker, payee] = [addr(1), addr(2), addr(3)];

  it("decodes a deposit and a withdraw of any vault, apart from WETH's Deposit", () => {
    const deposit = log(
      [EventTopics.VaultDeposit, topicOf(caller), topicOf(staker)],
      `0x${uint(10n ** 18n)}${uint(999n)}`,
      0,
    );
    const withdraw = log(
      [EventTopics.VaultWithdraw, topicOf(caller), topicOf(payee), topicOf(staker)],
      `0x${uint(2n ** 255n)}${uint(500n)}`,
      1,
    );
    const weth = log([EventTopics.Deposit, topicOf(staker)], `0x${uint(5n)}`, 2);
    const decoded = decodeLogs([deposit, withdraw, weth]);
    expect(decoded.skippedTotal).toBe(0);
    expect(decoded.wethEvents).toHaveLength(1);
    expect(decoded.vaultEvents).toEqual([
      {
        kind: "deposit",
        vault: deposit.address,
        sender: caller,
        owner: staker,
        receiver: null,
        assets: (10n ** 18n).toString(),
        shares: "999",
        blockNumber: 1,
        blockHash: deposit.blockHash,
        transactionHash: deposit.transactionHash,
        transactionIndex: 0,
        logIndex: 0,
      },
      expect.objectContaining({
        kind: "withdraw",
        sender: caller,
        receiver: payee,
        owner: staker,
        assets: (2n ** 255n).toString(),
        shares: "500",
        logIndex: 1,
      }),
    ]);
  });

  it.each([
    ["a Deposit with the owner in the data", [EventTopics.VaultDeposit, topicOf(caller)], 3, "vaultDeposit"],
    [
      "a Deposit with one data word",
      [EventTopics.VaultDeposit, topicOf(caller), topicOf(staker)],
      1,
      "vaultDeposit",
    ],
    [
      "a Withdraw with 3 topics",
      [EventTopics.VaultWithdraw, topicOf(caller), topicOf(staker)],
      2,
      "vaultWithdraw",
    ],
    [
      "a Withdraw with a topic that is not a word",
      [EventTopics.VaultWithdraw, topicOf(caller), "0x1234", topicOf(staker)],
      2,
      "vaultWithdraw",
    ],
  ])("skips and counts %s", (_, topics, words, reason) => {
    const decoded = decodeLogs([log(topics as string[], `0x${uint(1n).repeat(words as number)}`)]);
    expect(decoded.vaultEvents).toEqual([]);
    expect(decoded.skipped).toEqual({ [reason as string]: 1 });
  });
});
