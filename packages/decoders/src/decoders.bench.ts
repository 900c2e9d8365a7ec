/**
 * decodeLogs (hand-rolled topic/data slicing) against a bare loop of viem's generic ABI decoder over the same
 * real mainnet logs (ethereum-etl's blocks 17,173,049–17,173,050, 681 logs), and against a loop that only
 * dispatches on topic0 (the floor: no decoding at all).
 */
import type { Log } from "@chainlog/tx-schema";
import { decodeEventLog, type Hex, parseAbi } from "viem";
import { decodeLogs } from "./decode-logs.ts";
import { etlLogToLog, jsonLines } from "./test-support/fixtures.ts";

const corpus: Log[] = jsonLines("test_stream/blocks_17173049_17173050/expected_logs.json").map(etlLogToLog);
const abi = parseAbi([
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Approval(address indexed owner, address indexed spender, uint256 value)",
  "event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)",
  "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)",
  "event ApprovalForAll(address indexed owner, address indexed operator, bool approved)",
  "event Deposit(address indexed dst, uint256 wad)",
  "event Withdrawal(address indexed src, uint256 wad)",
  "event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)",
  "event Sync(uint112 reserve0, uint112 reserve1)",
]);
const v3 = parseAbi([
  "event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)",
]);
const erc721 = parseAbi([
  "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
]);

function events(d: ReturnType<typeof decodeLogs>): number {
  return d.tokenTransfers.length + d.approvals.length + d.wethEvents.length + d.swaps.length + d.syncs.length;
}

/** viem's decoder, tried per ABI the way a generic indexer does; unknown events throw and are skipped. */
function viemLoop(logs: Log[]): number {
  let n = 0;
  for (const log of logs) {
    const args = { topics: log.topics as [Hex, ...Hex[]], data: log.data as Hex };
    for (const candidate of [abi, v3, erc721] as const) {
      try {
        decodeEventLog({ abi: candidate, ...args, strict: true });
        n++;
        break;
      } catch {
        // not this ABI
      }
    }
  }
  return n;
}

function dispatchOnly(logs: Log[]): number {
  let n = 0;
  for (const log of logs) if (log.topics[0] !== undefined && log.topics[0].length === 66) n++;
  return n;
}

/**
 * Interleaved rounds, median per candidate: on a shared machine the load shifts during a run, and interleaving
 * makes it hit every candidate alike, so the ratio stays meaningful even when absolute rates wobble.
 */
function measureAll(candidates: { name: string; fn: () => number }[], rounds = 9, roundMs = 200) {
  for (const c of candidates) for (let i = 0; i < 20; i++) c.fn(); // warm-up (JIT)
  const rates = candidates.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    candidates.forEach((c, i) => {
      let events = 0;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < roundMs) {
        events += c.fn();
        elapsed = performance.now() - start;
      }
      rates[i]?.push((events / elapsed) * 1000);
    });
  }
  return candidates.map((c, i) => {
    const sorted = [...(rates[i] ?? [])].sort((a, b) => a - b);
    return { name: c.name, eventsPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0 };
  });
}

const expected = events(decodeLogs(corpus));
const viemCount = viemLoop(corpus);
const [ours, generic, floor] = measureAll([
  { name: "decodeLogs (chainlog)", fn: () => events(decodeLogs(corpus)) },
  { name: "viem decodeEventLog loop", fn: () => viemLoop(corpus) },
  { name: "topic0 dispatch only", fn: () => dispatchOnly(corpus) },
]) as [
  { name: string; eventsPerSecond: number },
  { name: string; eventsPerSecond: number },
  { name: string; eventsPerSecond: number },
];
console.log(`corpus: ${corpus.length} mainnet logs; decodeLogs yields ${expected} events, viem ${viemCount}`);
for (const r of [ours, generic, floor])
  console.log(
    `${r.name.padEnd(28)} ${Math.round(r.eventsPerSecond).toLocaleString("en")} events/s (median of 9 interleaved rounds)`,
  );
console.log(
  `ratio decodeLogs / viem decodeEventLog loop: ${(ours.eventsPerSecond / generic.eventsPerSecond).toFixed(2)}x`,
);
