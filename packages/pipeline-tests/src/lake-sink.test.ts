import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Anvil, buildChain, buildWorkloadChain, rpc, rpcBatch, startAnvil } from "@chainlog/devnet";
import { LakeDir, type LakeEntity, type LakePosition } from "@chainlog/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

const CONFIRMATIONS = 4;
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
const SWAP_V2 = "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822";

interface NodeLog {
  logIndex: string;
  transactionHash: string;
  address: string;
  topics: string[];
}
interface NodeReceipt {
  transactionHash: string;
  gasUsed: string;
  status: string;
  logs: NodeLog[];
}
interface NodeBlock {
  number: string;
  hash: string;
  timestamp: string;
  transactions: { hash: string }[];
}

let anvil: Anvil;
let pipeline: Pipeline;
/** Hashes of blocks a reorg took off the chain while they were not final yet. */
const orphans = new Set<string>();

const hex = (n: number) => `0x${n.toString(16)}`;
const head = async () => Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
const position = (): LakePosition | null => {
  try {
    return JSON.parse(readFileSync(join(pipeline.dataDir, "lake", "_chainlog", "position.json"), "utf8"));
  } catch {
    return null;
  }
};

/** Waits until the API serves the node's head (the reorg applied), then until the lake holds every final block. */
async function settle(): Promise<number> {
  const h = await head();
  const nodeHead = await rpc<NodeBlock>(anvil.rpcUrl, "eth_getBlockByNumber", [hex(h), false]);
  await waitFor(
    `the store at head ${h}`,
    async () =>
      (await getJson<{ hash: string }>(`${pipeline.apiUrl}/v1/blocks/latest`)).body.hash === nodeHead.hash,
    90_000,
  );
  await waitFor(
    `the lake at ${h - CONFIRMATIONS}`,
    async () => position()?.next === h - CONFIRMATIONS + 1,
    120_000,
  ).catch(async (error: Error) => {
    const status = await getJson<{ heights: unknown; lake?: unknown }>(`${pipeline.apiUrl}/v1/status`);
    throw new Error(
      `${error.message}; position ${JSON.stringify(position())}, heights ${JSON.stringify(status.body.heights)}, lake ${JSON.stringify(status.body.lake)}`,
    );
  });
  return h;
}

/** Replaces the newest `depth` blocks (none of them final) with a branch of other blocks, one longer. */
async function reorg(depth: number) {
  const h = await head();
  for (let n = h - depth + 1; n <= h; n++)
    orphans.add((await rpc<NodeBlock>(anvil.rpcUrl, "eth_getBlockByNumber", [hex(n), false])).hash);
  await rpc(anvil.rpcUrl, "anvil_reorg", [depth, []]);
  await buildChain(anvil.rpcUrl, depth + 1, 3);
}

beforeAll(async () => {
  anvil = await startAnvil({ noMining: true });
  let contracts: { weth: string; stablecoin: string } | undefined;
  // the devnet's whole mix: ETH, ERC-20/721/1155, WETH and Uniswap-V2 swaps that price tokens
  await buildWorkloadChain({
    rpcUrl: anvil.rpcUrl,
    blocks: 30,
    txPerBlock: 8,
    onReady: (c) => {
      contracts = c;
    },
  });
  pipeline = await startPipeline({
    rpcUrl: anvil.rpcUrl,
    names: ["processor", "ingest", "query-api", "lake"],
    env: {
      LAKE_CONFIRMATIONS: String(CONFIRMATIONS),
      LAKE_BLOCKS_PER_PART: "6",
      LAKE_FLUSH_MS: "0",
      WETH_ADDRESS: contracts!.weth,
      STABLECOIN_ADDRESSES: contracts!.stablecoin,
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await anvil?.kill();
});

describe("lake sink", () => {
  it("restarted mid-day, with reorgs before finality: every final block's rows exactly once, none of an orphan", async () => {
    await settle();
    // a reorg while the sink runs: the replaced blocks were never final, so never written
    await reorg(3);
    await settle();
    // killed mid-day; a reorg and the next day's blocks while it is down; then restarted
    await pipeline.kill("lake");
    await buildChain(anvil.rpcUrl, 3, 3);
    await rpc(anvil.rpcUrl, "evm_increaseTime", [86_400]);
    await buildChain(anvil.rpcUrl, 10, 4);
    await reorg(2);
    pipeline.restart("lake");
    const h = await settle();
    const final = h - CONFIRMATIONS;

    // Recompute every table from the node alone.
    const numbers = Array.from({ length: final + 1 }, (_, n) => n);
    const blocks = await rpcBatch<NodeBlock>(
      anvil.rpcUrl,
      numbers.map((n) => ["eth_getBlockByNumber", [hex(n), true]]),
    );
    const receipts = (
      await rpcBatch<NodeReceipt[]>(
        anvil.rpcUrl,
        numbers.map((n) => ["eth_getBlockReceipts", [hex(n)]]),
      )
    ).flat();
    const logs = receipts.flatMap((r) => r.logs);
    const lake = new LakeDir(join(pipeline.dataDir, "lake"));
    const table = (e: LakeEntity) => lake.readTable(e);
    const keys = (rows: Record<string, unknown>[], ...cols: string[]) =>
      rows.map((r) => cols.map((c) => String(r[c])).join("/")).sort();

    const lakeBlocks = await table("blocks");
    expect(keys(lakeBlocks, "number", "hash")).toEqual(
      keys(
        blocks.map((b) => ({ number: Number(BigInt(b.number)), hash: b.hash })),
        "number",
        "hash",
      ),
    );
    for (const b of lakeBlocks) expect(orphans.has(String(b.hash))).toBe(false);
    expect(orphans.size).toBe(5);
    // each block in the partition of its UTC day
    for (const b of lakeBlocks)
      expect(b.date).toBe(new Date(Number(b.timestamp) * 1000).toISOString().slice(0, 10));

    const txHashes = blocks.flatMap((b) => b.transactions.map((t) => t.hash)).sort();
    expect(txHashes.length).toBeGreaterThan(200);
    expect(keys(await table("transactions"), "hash")).toEqual(txHashes);
    expect(keys(await table("receipts"), "transaction_hash", "gas_used", "status")).toEqual(
      keys(
        receipts.map((r) => ({ ...r, gasUsed: BigInt(r.gasUsed), status: BigInt(r.status) })),
        "transactionHash",
        "gasUsed",
        "status",
      ),
    );
    expect(keys(await table("logs"), "transaction_hash", "log_index", "address")).toEqual(
      keys(
        logs.map((l) => ({ ...l, logIndex: BigInt(l.logIndex) })),
        "transactionHash",
        "logIndex",
        "address",
      ),
    );
    // ethereum-etl's token_transfers: ERC-20 (3 topics) and ERC-721 (4 topics) Transfer events
    const transfers = logs.filter((l) => l.topics[0] === TRANSFER && l.topics.length >= 3);
    expect(transfers.length).toBeGreaterThan(10);
    expect(keys(await table("token_transfers"), "transaction_hash", "log_index", "token_address")).toEqual(
      keys(
        transfers.map((l) => ({ ...l, logIndex: BigInt(l.logIndex) })),
        "transactionHash",
        "logIndex",
        "address",
      ),
    );
    const swaps = logs.filter((l) => l.topics[0] === SWAP_V2);
    expect(swaps.length).toBeGreaterThan(0);
    const lakeSwaps = await table("swaps");
    expect(keys(lakeSwaps, "transaction_hash", "log_index", "pool")).toEqual(
      keys(
        swaps.map((l) => ({ ...l, logIndex: BigInt(l.logIndex) })),
        "transactionHash",
        "logIndex",
        "address",
      ),
    );
    expect(lakeSwaps.every((s) => s.token0 && s.token1)).toBe(true);
    const prices = await table("prices");
    expect(prices.length).toBeGreaterThan(0);
    expect(new Set(keys(prices, "token", "quote", "transaction_hash", "log_index")).size).toBe(prices.length);

    // Every day but the newest is final (the next day's blocks are): its parts were merged into one file per table.
    const days = lake.days("blocks");
    expect(days.length).toBeGreaterThanOrEqual(2);
    for (const day of days.slice(0, -1))
      for (const e of ["blocks", "transactions", "logs", "swaps"] as const)
        expect(lake.parts(e, day).length, `${e} ${day}`).toBe(1);
    expect(lake.parts("blocks", days[days.length - 1]!).length).toBeGreaterThan(1);

    // /v1/status carries the sink's position and lag
    // (the killed instance's last report is there too until it expires)
    type LakeReport = { written: number; lagBlocks: number; confirmations: number };
    let reports: LakeReport[] | undefined;
    await waitFor(
      "the lake's status report",
      async () => {
        reports = (await getJson<{ lake?: LakeReport[] }>(`${pipeline.apiUrl}/v1/status`)).body.lake;
        return reports?.some(
          (s) => s.written === final && s.lagBlocks === 0 && s.confirmations === CONFIRMATIONS,
        );
      },
      20_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(reports)}`);
    });
  });
});
