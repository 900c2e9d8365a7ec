import { type DailyStats, mergeBlockStats, type PriceQuote, utcDay } from "@chainlog/tx-schema";
import type { BlockEnrichment, IndexedBlock, ReadModel, TransactionDetail } from "../store.ts";
import { allPages } from "./all-pages.ts";
import { addressOf, buildBlock } from "./fixtures.ts";

/** The named accounts and contracts of a rich block; one label gives the same ones to every block built with it. */
export function richActors(label: string) {
  const at = (x: string) => addressOf(`${label}:${x}`);
  return {
    alice: at("alice"),
    bob: at("bob"),
    router: at("router"),
    token: at("token"),
    weth: at("weth"),
    pool: at("pool"),
    nft: at("nft"),
    factory: at("factory"),
    /** Created inside a factory call (seen in a trace). */
    made: at("made"),
    watched: at("watched"),
  };
}

export interface RichOptions {
  fork?: string;
  parentHash?: string;
  timestamp?: number;
  /** The watched address's ETH balance at the end of the block (its token balance is ten times it). */
  balance?: string;
  /** Whether the factory call deploys `made` (default true). */
  deploys?: boolean;
}

/** A block with every derived row kind: transfers, a swap with prices, approvals, WETH events, creations, balances. */
export function richBlock(number: number, label: string, options: RichOptions = {}): IndexedBlock {
  const x = richActors(label);
  const balance = options.balance ?? "1000";
  return buildBlock({
    number,
    fork: options.fork,
    parentHash: options.parentHash,
    timestamp: options.timestamp,
    balances: [
      { address: x.watched, balance },
      { address: x.watched, token: x.token, balance: (BigInt(balance) * 10n).toString() },
    ],
    txs: [
      {
        from: x.alice,
        to: x.router,
        // the router unwraps WETH and pays the ETH out; a refund to bob reverts
        internal: [
          { to: x.pool, callType: "STATICCALL" },
          { to: x.weth, value: "0" },
          { to: x.router, value: "1000", nested: true },
          { to: x.alice, value: "1000" },
          { to: x.bob, value: "7", error: "execution reverted" },
          { to: x.alice, value: "3", nested: true },
        ],
        transfers: [
          { token: x.weth, from: x.alice, to: x.pool, value: "1000" },
          { token: x.token, from: x.pool, to: x.alice, value: "2000" },
        ],
        swaps: [
          {
            pool: x.pool,
            sender: x.router,
            recipient: x.alice,
            token0: x.weth,
            token1: x.token,
            prices: [
              { token: x.token, quote: "ETH", price: 0.5 },
              { token: x.token, quote: "USD", price: 1500.25 },
            ],
          },
        ],
      },
      {
        from: x.alice,
        to: x.weth,
        weth: [{ token: x.weth, account: x.alice, kind: "deposit", value: "3000" }],
        approvals: [
          { token: x.weth, owner: x.alice, spender: x.router },
          { token: x.nft, owner: x.alice, spender: x.bob, kind: "operator" },
          { token: x.nft, owner: x.alice, spender: x.bob, kind: "erc721", tokenId: "7" },
        ],
      },
      { from: x.bob, to: x.factory, traceCreations: options.deploys === false ? [] : [x.made], logs: 1 },
      { from: x.bob, to: null },
    ],
  });
}

/** What getTransaction must return for the i-th transaction of a block. */
export function expectedDetail(b: IndexedBlock, i: number): TransactionDetail {
  const of = <T extends { transactionIndex: number }>(rows: T[]) =>
    rows.filter((r) => r.transactionIndex === i);
  return {
    transaction: b.transactions[i]!,
    receipt: b.receipts[i] ?? null,
    logs: of(b.logs),
    tokenTransfers: of(b.tokenTransfers),
    swaps: of(b.swaps),
    approvals: of(b.approvals),
    wethEvents: of(b.wethEvents),
    contractCreations: sortCreations(of(b.contractCreations)),
    internalTransactions: of(b.internalTransactions),
  };
}

/** The port leaves the order of one transaction's creations open: compare them by address. */
export function sortCreations<T extends { address: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

export function normalizeDetail(d: TransactionDetail | null): TransactionDetail | null {
  return d && { ...d, contractCreations: sortCreations(d.contractCreations) };
}

const entries = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

/** Everything a reader can see of the derived rows of some blocks, for before/after comparisons. */
export async function derivedView(store: ReadModel, blocks: IndexedBlock[]) {
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  const tokens = uniq(blocks.flatMap((b) => b.tokenTransfers.map((t) => t.token)));
  const swappers = uniq(
    blocks.flatMap((b) => b.swaps.flatMap((s) => [s.transactionFrom, s.sender, s.recipient])),
  );
  const created = uniq(blocks.flatMap((b) => b.contractCreations.map((c) => c.address)));
  const called = uniq(
    blocks.flatMap((b) => b.internalTransactions.flatMap((f) => [f.from, f.to].filter((a) => a !== null))),
  );
  const priced = uniq(blocks.flatMap((b) => b.pricePoints.map((p) => p.token)));
  const watched = uniq(blocks.flatMap((b) => b.balances.map((s) => s.address)));
  const days = uniq(blocks.map((b) => utcDay(b.block.timestamp)));
  const quotes: PriceQuote[] = ["ETH", "USD"];
  return {
    txs: await Promise.all(
      blocks.flatMap((b) =>
        b.transactions.map(async (t) => normalizeDetail(await store.getTransaction(t.hash))),
      ),
    ),
    tokenTransfers: await Promise.all(
      tokens.map((t) => allPages((cursor) => store.getTokenTransfers(t, { limit: 2, cursor }))),
    ),
    swaps: await Promise.all(
      swappers.map((a) => allPages((cursor) => store.getAddressSwaps(a, { limit: 2, cursor }))),
    ),
    creations: await Promise.all(created.map((a) => store.getContractCreation(a))),
    internal: await Promise.all(
      called.map((a) => allPages((cursor) => store.getAddressInternalTransactions(a, { limit: 2, cursor }))),
    ),
    series: await Promise.all(
      priced.flatMap((t) =>
        quotes.map((q) => allPages((cursor) => store.getPriceSeries(t, q, { limit: 2, cursor }))),
      ),
    ),
    latest: await Promise.all(quotes.map(async (q) => entries(await store.getLatestPrices(priced, q)))),
    balances: await Promise.all(watched.map((a) => store.getAddressBalances(a))),
    daily: await Promise.all(days.map((d) => store.getDailyStats(d, d))),
  };
}

/** The day rows the given blocks make, for the days they cover. */
export function expectedDaily(blocks: IndexedBlock[]): DailyStats[] {
  return mergeBlockStats(blocks.map((b) => b.stats));
}

/**
 * A block as the raw stage writes it (nothing that needs the node: swaps without pool tokens or price, no traced
 * creations, prices or balances) and the enrichment the enrichment stage adds to it.
 */
export function splitEnrichment(b: IndexedBlock): { raw: IndexedBlock; enrichment: BlockEnrichment } {
  return {
    raw: {
      ...b,
      swaps: b.swaps.map((s) => ({ ...s, token0: null, token1: null, price: null })),
      contractCreations: b.contractCreations.filter((c) => c.source === "receipt"),
      internalTransactions: [],
      pricePoints: [],
      balances: [],
    },
    enrichment: {
      mark: {
        blockNumber: b.block.number,
        blockHash: b.block.hash,
        traces: "done",
        tokens: "done",
        pools: "done",
        balances: "done",
        enrichedAt: 1_700_000_000_000,
      },
      contractCreations: b.contractCreations.filter((c) => c.source === "trace"),
      internalTransactions: b.internalTransactions,
      swaps: b.swaps,
      pricePoints: b.pricePoints,
      balances: b.balances,
    },
  };
}
