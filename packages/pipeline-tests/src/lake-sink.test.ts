import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Anvil, buildChain, buildWorkloadChain, rpc, rpcBatch, startAnvil } from "@chainlog/devnet";
import { LakeDir, type LakeEntity, type LakePosition, openLakeSql, type SqlResult } from "@chainlog/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

const CONFIRMATIONS = 4;
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
const SWAP_V2 = "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822";

interface NodeLog {
  data: string;
  logIndex: string;
  transactionHash: string;
  address: string;
  topics: string[];
}
interface NodeReceipt {
  transactionHash: string;
  blockNumber: string;
  from: string;
  to: string | null;
  effectiveGasPrice: string;
  gasUsed: string;
  status: string;
  logs: NodeLog[];
}
interface CallFrame {
  type: string;
  calls?: CallFrame[];
}
interface NodeBlock {
  number: string;
  hash: string;
  timestamp: string;
  gasUsed: string;
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

    // ethereum-etl's traces: every call frame below a transaction's own call, as the node's call tracer gives it
    const traced = await rpcBatch<{ txHash: string; result: CallFrame }[]>(
      anvil.rpcUrl,
      numbers.map((n) => ["debug_traceBlockByNumber", [hex(n), { tracer: "callTracer" }]]),
    );
    const frames: { transactionHash: string; traceAddress: string; type: string }[] = [];
    const walk = (tx: string, frame: CallFrame, path: number[]) =>
      (frame.calls ?? []).forEach((call, i) => {
        const type = call.type.toLowerCase();
        frames.push({
          transactionHash: tx,
          traceAddress: [...path, i].join(","),
          type: type === "selfdestruct" ? "suicide" : type,
        });
        walk(tx, call, [...path, i]);
      });
    for (const t of traced.flat()) walk(t.txHash, t.result, []);
    expect(frames.length).toBeGreaterThan(10);
    const lakeTraces = (await table("traces")).map((t) => ({
      ...t,
      type: t.trace_type === "call" ? t.call_type : t.trace_type,
    }));
    expect(keys(lakeTraces, "transaction_hash", "trace_address", "type")).toEqual(
      keys(frames, "transactionHash", "traceAddress", "type"),
    );
    expect(new Set(keys(prices, "token", "quote", "transaction_hash", "log_index")).size).toBe(prices.length);

    // Every day but the newest is final (the next day's blocks are): its parts were merged into one file per table.
    const days = lake.days("blocks");
    expect(days.length).toBeGreaterThanOrEqual(2);
    for (const day of days.slice(0, -1))
      for (const e of ["blocks", "transactions", "logs", "swaps", "traces"] as const)
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
  }, 480_000); // two reorgs, a restart and every block traced by the node again: minutes on a loaded machine

  it("every model's rows equal values recomputed from the node, and the daily stats equal query-api's", async () => {
    const final = position()!.next - 1;
    const numbers = Array.from({ length: final + 1 }, (_, n) => n);
    const blocks = await rpcBatch<NodeBlock>(
      anvil.rpcUrl,
      numbers.map((n) => ["eth_getBlockByNumber", [hex(n), false]]),
    );
    const receiptsOf = await rpcBatch<NodeReceipt[]>(
      anvil.rpcUrl,
      numbers.map((n) => ["eth_getBlockReceipts", [hex(n)]]),
    );
    const dayOf = (n: number) =>
      new Date(Number(BigInt(blocks[n]!.timestamp)) * 1000).toISOString().slice(0, 10);
    const days = [...new Set(numbers.map(dayOf))].sort();
    const lastDay = days[days.length - 1]!;
    const group = <T>(items: T[], key: (t: T) => string) => {
      const m = new Map<string, T[]>();
      for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
      return m;
    };
    const receipts = receiptsOf.flat().map((r) => ({ ...r, day: dayOf(Number(BigInt(r.blockNumber))) }));
    const logs = receipts.flatMap((r) =>
      r.logs.map((l) => ({ ...l, day: r.day, block: Number(BigInt(r.blockNumber)) })),
    );

    const lake = await openLakeSql(join(pipeline.dataDir, "lake"));
    const rows = async (model: string, order: string) => {
      const r: SqlResult = await lake.query(`select * from ${model} order by ${order}`);
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
    };
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    try {
      expect(lake.models.map((m) => m.name)).toEqual([
        "daily_active_addresses",
        "daily_token_transfers",
        "daily_transactions_fees",
        "dex_pools_daily",
        "gas_price_percentiles",
        "top_tokens",
      ]);

      // transactions and fees per day
      const byDay = group(receipts, (r) => r.day);
      const fees = days.map((day) => {
        const rs = byDay.get(day) ?? [];
        return {
          date: day,
          blocks: String(numbers.filter((n) => dayOf(n) === day).length),
          transactions: String(rs.length),
          gas_used: String(
            numbers.filter((n) => dayOf(n) === day).reduce((a, n) => a + BigInt(blocks[n]!.gasUsed), 0n),
          ),
          fees_wei: String(rs.reduce((a, r) => a + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice), 0n)),
          day_complete: day !== lastDay,
        };
      });
      expect(
        (await rows("daily_transactions_fees", '"date"')).map((r) => ({
          ...r,
          blocks: str(r.blocks),
          transactions: str(r.transactions),
          gas_used: str(r.gas_used),
          fees_wei: str(r.fees_wei),
        })),
      ).toEqual(fees);

      // active addresses: distinct senders and recipients per day
      const active = days.map((day) => {
        const rs = byDay.get(day) ?? [];
        return {
          date: day,
          active_addresses: String(new Set(rs.flatMap((r) => (r.to ? [r.from, r.to] : [r.from]))).size),
          senders: String(new Set(rs.map((r) => r.from)).size),
          day_complete: day !== lastDay,
        };
      });
      expect(
        (await rows("daily_active_addresses", '"date"')).map((r) => ({
          ...r,
          active_addresses: str(r.active_addresses),
          senders: str(r.senders),
        })),
      ).toEqual(active);

      // token transfers per token and day: ERC-20 value from data, ERC-721 token id from the 4th topic
      const transfers = logs
        .filter((l) => l.topics[0] === TRANSFER && l.topics.length >= 3)
        .map((l) => ({
          ...l,
          token: l.address.toLowerCase(),
          from: `0x${l.topics[1]!.slice(26)}`,
          to: `0x${l.topics[2]!.slice(26)}`,
          value: BigInt(l.topics.length === 4 ? l.topics[3]! : l.data),
        }));
      const perTokenDay = [...group(transfers, (t) => `${t.day}|${t.token}`).entries()]
        .map(([k, ts]) => ({
          date: k.split("|")[0]!,
          token_address: k.split("|")[1]!,
          transfers: String(ts.length),
          volume_raw: String(ts.reduce((a, t) => a + t.value, 0n)),
          day_complete: k.split("|")[0] !== lastDay,
        }))
        .sort((a, b) => a.date.localeCompare(b.date) || a.token_address.localeCompare(b.token_address));
      expect(
        (await rows("daily_token_transfers", '"date", token_address')).map((r) => ({
          ...r,
          transfers: str(r.transfers),
          volume_raw: str(r.volume_raw),
        })),
      ).toEqual(perTokenDay);

      // top tokens over the lake
      const top = [...group(transfers, (t) => t.token).entries()]
        .map(([token, ts]) => ({
          token_address: token,
          transfers: ts.length,
          addresses: String(new Set(ts.flatMap((t) => [t.from, t.to])).size),
          first_block: String(Math.min(...ts.map((t) => t.block))),
          last_block: String(Math.max(...ts.map((t) => t.block))),
        }))
        .sort((a, b) => b.transfers - a.transfers || a.token_address.localeCompare(b.token_address))
        .slice(0, 100)
        .map((t, i) => ({ rank: String(i + 1), ...t, transfers: String(t.transfers) }));
      expect(
        (await rows("top_tokens", "rank")).map((r) => ({
          ...r,
          rank: str(r.rank),
          transfers: str(r.transfers),
          addresses: str(r.addresses),
          first_block: str(r.first_block),
          last_block: str(r.last_block),
        })),
      ).toEqual(top);

      // DEX pools per day: amounts from the Swap events' data, tokens and decimals asked of the node
      const call = async (to: string, selector: string) =>
        rpc<string>(anvil.rpcUrl, "eth_call", [{ to, data: selector }, "latest"]);
      const swaps = logs.filter((l) => l.topics[0] === SWAP_V2);
      const pools = new Map<string, { token0: string; token1: string; d0: number; d1: number }>();
      for (const pool of new Set(swaps.map((s) => s.address.toLowerCase()))) {
        const token0 = `0x${(await call(pool, "0x0dfe1681")).slice(26)}`;
        const token1 = `0x${(await call(pool, "0xd21220a7")).slice(26)}`;
        const d0 = Number(BigInt(await call(token0, "0x313ce567")));
        const d1 = Number(BigInt(await call(token1, "0x313ce567")));
        pools.set(pool, { token0, token1, d0, d1 });
      }
      const word = (data: string, i: number) => BigInt(`0x${data.slice(2 + 64 * i, 2 + 64 * (i + 1))}`);
      const dex = [...group(swaps, (s) => `${s.day}|${s.address.toLowerCase()}`).entries()]
        .map(([k, ss]) => {
          const [date, pool] = k.split("|") as [string, string];
          const p = pools.get(pool)!;
          const legs = ss
            .sort((a, b) => a.block - b.block || Number(BigInt(a.logIndex) - BigInt(b.logIndex)))
            .map((s) => {
              const a0 = word(s.data, 0) - word(s.data, 2);
              const a1 = word(s.data, 1) - word(s.data, 3);
              const abs = (x: bigint) => (x < 0n ? -x : x);
              return {
                a0: abs(a0),
                a1: abs(a1),
                // a side of zero has no price
                price:
                  a0 === 0n || a1 === 0n ? null : (Number(abs(a1)) / Number(abs(a0))) * 10 ** (p.d0 - p.d1),
              };
            });
          const prices = legs.map((l) => l.price).filter((x): x is number => x !== null);
          return {
            date,
            pool,
            token0: p.token0,
            token1: p.token1,
            swaps: String(ss.length),
            volume0_raw: String(legs.reduce((a, l) => a + l.a0, 0n)),
            volume1_raw: String(legs.reduce((a, l) => a + l.a1, 0n)),
            open_price: prices[0] ?? null,
            close_price: prices[prices.length - 1] ?? null,
            low_price: prices.length ? Math.min(...prices) : null,
            high_price: prices.length ? Math.max(...prices) : null,
            day_complete: date !== lastDay,
          };
        })
        .sort((a, b) => a.date.localeCompare(b.date) || a.pool.localeCompare(b.pool));
      const dexRows = await rows("dex_pools_daily", '"date", pool');
      expect(dexRows.length).toBe(dex.length);
      // the processor prices with scaled integers, this with doubles: equal to 1e-9 of the price
      const near = (want: number | null) =>
        want === null ? null : expect.closeTo(want, Math.max(0, 9 - Math.ceil(Math.log10(Math.abs(want)))));
      expect(dex.some((d) => d.close_price !== null)).toBe(true);
      for (const [i, r] of dexRows.entries()) {
        const want = dex[i]!;
        expect({
          ...r,
          swaps: str(r.swaps),
          volume0_raw: str(r.volume0_raw),
          volume1_raw: str(r.volume1_raw),
        }).toEqual({
          ...want,
          open_price: near(want.open_price),
          close_price: near(want.close_price),
          low_price: near(want.low_price),
          high_price: near(want.high_price),
        });
      }

      // effective gas price percentiles per day, nearest rank
      const rank = (sorted: bigint[], p: number) => String(sorted[Math.ceil(p * sorted.length) - 1]);
      const gas = days
        .filter((day) => (byDay.get(day) ?? []).length > 0)
        .map((day) => {
          const sorted = byDay
            .get(day)!
            .map((r) => BigInt(r.effectiveGasPrice))
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          return {
            date: day,
            transactions: String(sorted.length),
            min_price: String(sorted[0]),
            p25: rank(sorted, 0.25),
            p50: rank(sorted, 0.5),
            p75: rank(sorted, 0.75),
            p90: rank(sorted, 0.9),
            p99: rank(sorted, 0.99),
            max_price: String(sorted[sorted.length - 1]),
            day_complete: day !== lastDay,
          };
        });
      expect(
        (await rows("gas_price_percentiles", '"date"')).map((r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [k, k === "date" || k === "day_complete" ? v : str(v)]),
          ),
        ),
      ).toEqual(gas);

      // query-api's daily stats for every complete day: the same blocks, transactions, gas, fees, addresses, transfers
      const complete = fees.filter((f) => f.day_complete);
      expect(complete.length).toBeGreaterThan(0);
      const api = await getJson<{
        items: {
          day: string;
          blocks: number;
          transactions: number;
          gasUsed: string;
          fees: string;
          activeAddresses: number;
          transfersPerToken: Record<string, number>;
        }[];
      }>(`${pipeline.apiUrl}/v1/stats/daily?from=${days[0]}&to=${lastDay}`);
      for (const f of complete) {
        const d = api.body.items.find((i) => i.day === f.date)!;
        expect(d, f.date).toBeDefined();
        expect({
          blocks: String(d.blocks),
          transactions: String(d.transactions),
          gas_used: d.gasUsed,
          fees_wei: d.fees,
          active_addresses: String(d.activeAddresses),
        }).toEqual({
          blocks: f.blocks,
          transactions: f.transactions,
          gas_used: f.gas_used,
          fees_wei: f.fees_wei,
          active_addresses: active.find((a) => a.date === f.date)!.active_addresses,
        });
        for (const t of perTokenDay.filter((t) => t.date === f.date))
          expect(String(d.transfersPerToken[t.token_address]), t.token_address).toBe(t.transfers);
      }

      // models build writes each model as Parquet, with the same rows
      const built = await lake.buildModels(join(pipeline.dataDir, "models-out"));
      expect(built.map((b) => b.name)).toEqual(lake.models.map((m) => m.name));
      for (const b of built) {
        const [[n]] = (await lake.query(`select count(*) from ${b.name}`)).rows as [[string]];
        expect(b.rows, b.name).toBe(Number(n));
      }
      expect(built.find((b) => b.name === "daily_transactions_fees")!.rows).toBe(days.length);
    } finally {
      lake.close();
    }
  });
});
