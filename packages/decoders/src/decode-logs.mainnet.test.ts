import type { Log, TokenTransfer } from "@chainlog/tx-schema";
import { decodeEventLog, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { decodeLogs } from "./decode-logs.ts";
import { csvRows, etlLogToLog, fixture, jsonLines } from "./test-support/fixtures.ts";

/** ethereum-etl's token_transfers columns, from our rows. */
function asEtlRow(t: TokenTransfer) {
  return {
    token_address: t.token,
    from_address: t.from,
    to_address: t.to,
    value: t.tokenId ?? t.value,
    transaction_hash: t.transactionHash,
    log_index: String(t.logIndex),
    block_number: String(t.blockNumber),
  };
}

describe("decodeLogs on mainnet blocks 17,173,049–17,173,050 (ethereum-etl test_stream)", () => {
  const dir = "test_stream/blocks_17173049_17173050";
  const logs = jsonLines(`${dir}/expected_logs.json`).map(etlLogToLog);
  const decoded = decodeLogs(logs);

  it("yields exactly ethereum-etl's 291 token transfers", () => {
    const expected = jsonLines(`${dir}/expected_token_transfers.json`).map((r) => ({
      token_address: String(r.token_address),
      from_address: String(r.from_address),
      to_address: String(r.to_address),
      value: String(r.value),
      transaction_hash: String(r.transaction_hash),
      log_index: String(r.log_index),
      block_number: String(r.block_number),
    }));
    expect(logs).toHaveLength(681);
    // ethereum-etl has no ERC-1155; everything else must match row for row.
    expect(decoded.tokenTransfers.filter((t) => t.standard !== "erc1155").map(asEtlRow)).toEqual(expected);
    expect(decoded.tokenTransfers.filter((t) => t.standard === "erc721")).toHaveLength(9);
    expect(decoded.skippedTotal).toBe(0);
  });

  it("finds the ERC-1155 mint that ethereum-etl misses", () => {
    expect(decoded.tokenTransfers.filter((t) => t.standard === "erc1155")).toEqual([
      expect.objectContaining({
        token: "0x977e43ab3eb8c0aece1230ba187740342865ee78",
        from: "0x0000000000000000000000000000000000000000",
        to: "0x17c72771bb6b283bade0c07e0901744c37ff8c41",
        operator: "0x17c72771bb6b283bade0c07e0901744c37ff8c41",
        tokenId: "0",
        value: "1",
        transactionHash: "0x038d6b45ca812f889227b950d34704aeb14564cc5a88a22c26ce7e7c6f2828ab",
        logIndex: 336,
        batchIndex: 0,
      }),
    ]);
  });

  // An independent decoder (viem's ABI decoder) over the same logs must agree with our slicing.
  const abi = parseAbi([
    "event Approval(address indexed owner, address indexed spender, uint256 value)",
    "event Deposit(address indexed dst, uint256 wad)",
    "event Withdrawal(address indexed src, uint256 wad)",
    "event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)",
    "event Sync(uint112 reserve0, uint112 reserve1)",
  ]);
  const v3Abi = parseAbi([
    "event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)",
  ]);
  const viemDecode = (log: Log, which: typeof abi | typeof v3Abi) => {
    try {
      return decodeEventLog({
        abi: which,
        topics: log.topics as [`0x${string}`],
        data: log.data as `0x${string}`,
      });
    } catch {
      return null;
    }
  };

  it("decodes Uniswap V2 swaps and syncs as viem does", () => {
    const v2 = decoded.swaps.filter((s) => s.protocol === "uniswap-v2");
    expect(v2).toHaveLength(69);
    expect(decoded.syncs).toHaveLength(69);
    for (const swap of v2) {
      const log = logs.find(
        (l) => l.logIndex === swap.logIndex && l.transactionHash === swap.transactionHash,
      ) as Log;
      const ref = viemDecode(log, abi);
      expect(ref?.eventName).toBe("Swap");
      const a = ref?.args as {
        sender: string;
        to: string;
        amount0In: bigint;
        amount1In: bigint;
        amount0Out: bigint;
        amount1Out: bigint;
      };
      expect(swap.sender).toBe(a.sender.toLowerCase());
      expect(swap.recipient).toBe(a.to.toLowerCase());
      expect(swap.amount0).toBe((a.amount0In - a.amount0Out).toString());
      expect(swap.amount1).toBe((a.amount1In - a.amount1Out).toString());
      expect(swap.pool).toBe(log.address);
    }
  });

  it("decodes Uniswap V3 swaps (signed amounts, price, tick) as viem does", () => {
    const v3 = decoded.swaps.filter((s) => s.protocol === "uniswap-v3");
    expect(v3).toHaveLength(10);
    for (const swap of v3) {
      const log = logs.find(
        (l) => l.logIndex === swap.logIndex && l.transactionHash === swap.transactionHash,
      ) as Log;
      const a = viemDecode(log, v3Abi)?.args as {
        sender: string;
        recipient: string;
        amount0: bigint;
        amount1: bigint;
        sqrtPriceX96: bigint;
        liquidity: bigint;
        tick: number;
      };
      expect(swap).toMatchObject({
        sender: a.sender.toLowerCase(),
        recipient: a.recipient.toLowerCase(),
        amount0: a.amount0.toString(),
        amount1: a.amount1.toString(),
        sqrtPriceX96: a.sqrtPriceX96.toString(),
        liquidity: a.liquidity.toString(),
        tick: a.tick,
      });
      // One side goes in, the other out.
      expect(BigInt(swap.amount0) * BigInt(swap.amount1) < 0n).toBe(true);
    }
  });

  it("decodes WETH deposits/withdrawals and ERC-20 approvals as viem does", () => {
    expect(decoded.wethEvents.filter((e) => e.kind === "deposit")).toHaveLength(30);
    expect(decoded.wethEvents.filter((e) => e.kind === "withdrawal")).toHaveLength(31);
    for (const e of decoded.wethEvents) {
      const log = logs.find(
        (l) => l.logIndex === e.logIndex && l.transactionHash === e.transactionHash,
      ) as Log;
      const ref = viemDecode(log, abi);
      const args = ref?.args as { dst?: string; src?: string; wad: bigint };
      expect(e.account).toBe((args.dst ?? args.src ?? "").toLowerCase());
      expect(e.value).toBe(args.wad.toString());
    }
    const approvalLogs = logs.filter(
      (l) => l.topics[0] === "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
    );
    expect(decoded.approvals.filter((a) => a.kind !== "operator")).toHaveLength(approvalLogs.length);
    for (const a of decoded.approvals.filter((x) => x.kind === "erc721")) {
      const log = logs.find(
        (l) => l.logIndex === a.logIndex && l.transactionHash === a.transactionHash,
      ) as Log;
      expect(a.tokenId).toBe(BigInt(log.topics[3] as string).toString());
    }
    for (const a of decoded.approvals.filter((x) => x.kind === "erc20")) {
      const log = logs.find(
        (l) => l.logIndex === a.logIndex && l.transactionHash === a.transactionHash,
      ) as Log;
      const args = viemDecode(log, abi)?.args as { owner: string; spender: string; value: bigint };
      expect(a).toMatchObject({
        kind: "erc20",
        owner: args.owner.toLowerCase(),
        spender: args.spender.toLowerCase(),
      });
      expect(a.value).toBe(args.value.toString());
    }
  });
});

describe("decodeLogs on ethereum-etl's CSV token-transfer cases", () => {
  it.each([
    [
      "test_export_receipts_job/receipts_with_logs/expected_logs.csv",
      "test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv",
    ],
    [
      "test_extract_token_transfers_job/logs/logs.csv",
      "test_extract_token_transfers_job/logs/expected_token_transfers.csv",
    ],
  ])("%s → %s", (logsPath, expectedPath) => {
    const logs = csvRows(logsPath).map(etlLogToLog);
    expect(decodeLogs(logs).tokenTransfers.map(asEtlRow)).toEqual(csvRows(expectedPath));
  });

  it("the recorded eth_getFilterLogs answer decodes to the expected rows", () => {
    const raw = JSON.parse(
      fixture(
        "test_export_token_transfers_job/block_with_transfers/web3_response.eth_getFilterLogs_0x0.json",
      ),
    ) as { result: Record<string, string | string[]>[] };
    const logs: Log[] = raw.result.map((l) => ({
      blockNumber: Number(l.blockNumber),
      blockHash: String(l.blockHash),
      transactionHash: String(l.transactionHash),
      transactionIndex: Number(l.transactionIndex),
      logIndex: Number(l.logIndex),
      address: String(l.address),
      topics: l.topics as string[],
      data: String(l.data),
    }));
    expect(decodeLogs(logs).tokenTransfers.map(asEtlRow)).toEqual(
      csvRows("test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv"),
    );
  });
});
