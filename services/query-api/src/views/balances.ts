import type { HoldingsBackfill, ReadModel, StoredHeight, TokenHolding } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import {
  type AddressBalancesResponse,
  type AddressHolding,
  type BalanceSnapshot,
  type Block,
  NATIVE_ASSET,
  type NftHolding,
  type PricePoint,
  type TokenMetadata,
} from "@chainlog/tx-schema";
import { LRUCache } from "lru-cache";
import { ApiError } from "../http/errors.ts";
import { valuePortfolio } from "./portfolio.ts";

/** Holdings one answer lists at most: a busier address gets `truncated` (the first ones by token). */
const MAX_HOLDINGS = 5_000;
/** balanceOf calls one confirm=true answer makes at most (the largest holdings first). */
const MAX_CONFIRM = 100;

/** What the store says of an address's tokens for one answer: holdings, their metadata and prices, the range. */
interface StoredSide {
  lowest: StoredHeight[];
  /** A holdings backfill still under way (Cassandra keyspaces made before holdings were kept). */
  backfill: HoldingsBackfill | null;
  latest: Block | null;
  /** At most MAX_HOLDINGS + 1 (one more says `truncated`). */
  held: TokenHolding[];
  tokens: Map<string, TokenMetadata>;
  usd: Map<string, PricePoint>;
  ethQuote: Map<string, PricePoint>;
}
type StoredSideReader = (store: ReadModel, address: string) => Promise<StoredSide>;

async function readStoredSide(store: ReadModel, address: string): Promise<StoredSide> {
  const [lowest, backfill, latest, held] = await Promise.all([
    store.getHeights(0, 1),
    store.getHoldingsBackfill ? store.getHoldingsBackfill() : null,
    store.getLatestBlock(),
    store.getAddressHoldings(address, MAX_HOLDINGS + 1),
  ]);
  const listed = held.slice(0, MAX_HOLDINGS);
  const fungible = listed.filter((h) => h.standard === "erc20").map((h) => h.token);
  const nftTokens = [...new Set(listed.filter((h) => h.standard !== "erc20").map((n) => n.token))];
  const [tokens, usd, ethQuote] = await Promise.all([
    fungible.length || nftTokens.length
      ? store.getTokens([...fungible, ...nftTokens])
      : new Map<string, TokenMetadata>(),
    store.getLatestPrices([...fungible, NATIVE_ASSET], "USD"),
    fungible.length ? store.getLatestPrices(fungible, "ETH") : new Map<string, PricePoint>(),
  ]);
  return { lowest, backfill, latest, held, tokens, usd, ethQuote };
}

/**
 * The stored side of answers kept per address while the newest stored block stays the same, and at most `ttlMs`
 * (token metadata and prices the enrichment adds, blocks landing below the newest): a hot address page costs one
 * store read per request instead of six. Bounded: the least recently used addresses go first.
 */
export function createStoredSideCache(ttlMs: number, maxEntries = 10_000): StoredSideReader {
  const entries = new LRUCache<string, { newest: string; value: Promise<StoredSide> }>({
    max: maxEntries,
    ttl: Math.max(1, ttlMs),
  });
  return async (store, address) => {
    const newest = (await store.getLatestBlock())?.hash ?? "";
    const hit = entries.get(address);
    if (hit && hit.newest === newest) return hit.value;
    const value = readStoredSide(store, address);
    entries.set(address, { newest, value });
    value.catch(() => entries.delete(address));
    return value;
  };
}

interface EthBalance {
  balance: bigint;
  blockNumber: number;
}

/**
 * ETH balances read from the node at its latest block, kept `ttlMs` per address: an address page asked for by
 * many at once costs the node one pair of calls. Bounded: the oldest entries go first.
 */
export function createEthBalanceCache(rpc: RpcPool, ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { at: number; value: Promise<EthBalance> }>();
  return async (address: string, now = Date.now()): Promise<EthBalance> => {
    const hit = entries.get(address);
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = (async () => {
      // The balance at the very block whose number is returned, so a reader can check it at that block.
      const head = Number(await rpc.request("eth_blockNumber", []));
      const wei = await rpc.request("eth_getBalance", [address as `0x${string}`, `0x${head.toString(16)}`]);
      return { balance: BigInt(wei), blockNumber: head };
    })();
    entries.delete(address);
    entries.set(address, { at: now, value });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    value.catch(() => entries.delete(address));
    return value;
  };
}
export type EthBalanceReader = ReturnType<typeof createEthBalanceCache>;

const word = (hex: string) => hex.replace(/^0x/, "").padStart(64, "0");
const SELECTOR = { balanceOf: "0x70a08231", ownerOf: "0x6352211e", balanceOf1155: "0x00fdd58e" };

/** balanceOf (ERC-20), ownerOf (ERC-721) and balanceOf(id) (ERC-1155) at one block, in one batch. */
async function confirmAt(
  rpc: RpcPool,
  address: string,
  block: number,
  items: { token: string; standard: "erc20" | "erc721" | "erc1155"; tokenId?: string }[],
): Promise<(bigint | null)[]> {
  if (items.length === 0) return [];
  const tag = `0x${block.toString(16)}`;
  const data = (i: (typeof items)[number]) =>
    i.standard === "erc20"
      ? `${SELECTOR.balanceOf}${word(address)}`
      : i.standard === "erc721"
        ? `${SELECTOR.ownerOf}${word(BigInt(i.tokenId ?? "0").toString(16))}`
        : `${SELECTOR.balanceOf1155}${word(address)}${word(BigInt(i.tokenId ?? "0").toString(16))}`;
  const outcomes = await rpc.batch(
    items.map((i) => ({
      method: "eth_call" as const,
      params: [{ to: i.token as `0x${string}`, data: data(i) as `0x${string}` }, tag as `0x${string}`],
    })),
  );
  return outcomes.map((o, k) => {
    if (!o.ok || typeof o.value !== "string" || !/^0x[0-9a-fA-F]{64,}$/.test(o.value)) return null;
    const value = BigInt(`0x${o.value.slice(2, 66)}`);
    // ownerOf answers the owner: 1 when it is this address.
    if (items[k]!.standard === "erc721") return BigInt(`0x${word(address)}`) === value ? 1n : 0n;
    return value;
  });
}

/**
 * Balances of any address, watched or not: ETH from the node at its latest block, tokens from the store's holdings
 * (its transfers summed as blocks were written) over the indexed range (stated), valued with the newest indexed
 * prices; `confirm` adds balanceOf at the node's block beside each.
 */
export async function loadAddressBalances(
  deps: {
    store: ReadModel;
    rpc: RpcPool | null;
    ethBalance: EthBalanceReader | null;
    storedSide?: StoredSideReader;
  },
  address: string,
  confirm: boolean,
): Promise<AddressBalancesResponse> {
  const { store, rpc } = deps;
  const { lowest, backfill, latest, held, tokens, usd, ethQuote } = await (deps.storedSide ?? readStoredSide)(
    store,
    address,
  );
  const truncated = held.length > MAX_HOLDINGS;
  const listed = held.slice(0, MAX_HOLDINGS);
  const fungible = listed
    .filter((h) => h.standard === "erc20")
    .map((h) => [h.token, BigInt(h.balance)] as const);
  const nftHeld = listed.filter((h) => h.standard !== "erc20");

  let eth: EthBalance | null = null;
  if (deps.ethBalance) {
    try {
      eth = await deps.ethBalance(address);
    } catch {
      throw new ApiError(503, "unavailable", "the node did not answer the ETH balance; try again");
    }
  }
  const toBlock = latest?.number ?? 0;
  const snapshot = (token: string, balance: bigint, blockNumber: number): BalanceSnapshot => ({
    address,
    token,
    balance: balance.toString(),
    blockNumber,
    blockHash: "",
    timestamp: 0,
  });
  // Values for what is held; a negative net (tokens received before the indexed range) is shown, never valued.
  const valued = valuePortfolio({
    address,
    balances: [
      ...(eth ? [snapshot(NATIVE_ASSET, eth.balance, eth.blockNumber)] : []),
      ...fungible.filter(([, b]) => b > 0n).map(([t, b]) => snapshot(t, b, toBlock)),
    ],
    tokens,
    usd,
    eth: ethQuote,
  });
  const holdings: AddressHolding[] = valued.holdings.map((h) => ({
    ...h,
    source: h.token === NATIVE_ASSET ? "node" : "transfers",
  }));
  for (const [token, balance] of fungible)
    if (balance < 0n) {
      const meta = tokens.get(token);
      holdings.push({
        token,
        symbol: meta?.symbol ?? null,
        name: meta?.name ?? null,
        decimals: meta?.decimals ?? null,
        balance: balance.toString(),
        amount: null,
        priceUsd: null,
        priceEth: null,
        valueUsd: null,
        blockNumber: toBlock,
        source: "transfers",
      });
    }
  // the store orders them by token, then token id numerically
  const nfts: NftHolding[] = nftHeld.map((n) => ({
    token: n.token,
    standard: n.standard as NftHolding["standard"],
    tokenId: n.tokenId ?? "0",
    balance: n.balance,
    symbol: tokens.get(n.token)?.symbol ?? null,
    name: tokens.get(n.token)?.name ?? null,
  }));

  if (confirm && rpc && eth) {
    const block = eth.blockNumber;
    const erc20 = holdings.filter((h) => h.source === "transfers").slice(0, MAX_CONFIRM);
    const nftItems = nfts.slice(0, Math.max(0, MAX_CONFIRM - erc20.length));
    const answers = await confirmAt(rpc, address, block, [
      ...erc20.map((h) => ({ token: h.token, standard: "erc20" as const })),
      ...nftItems.map((n) => ({ token: n.token, standard: n.standard, tokenId: n.tokenId })),
    ]).catch(() => null);
    const at = (k: number) => {
      const v = answers?.[k];
      return v === undefined || v === null ? null : { balance: v.toString(), blockNumber: block };
    };
    erc20.forEach((h, k) => {
      h.confirmed = at(k);
    });
    nftItems.forEach((n, k) => {
      n.confirmed = at(erc20.length + k);
    });
  }

  const first = lowest[0]?.number ?? null;
  return {
    address,
    indexed:
      first === null || !latest
        ? null
        : backfill
          ? // complete only above the heights the backfill has still to fill: never a lower fromBlock than that
            {
              fromBlock: backfill.upTo + 1,
              toBlock,
              fromGenesis: false,
              pending: { fromBlock: backfill.next, toBlock: backfill.upTo },
            }
          : { fromBlock: first, toBlock, fromGenesis: first === 0 },
    truncated,
    ethUsd: valued.ethUsd,
    totalUsd: valued.totalUsd,
    holdings,
    nfts,
  };
}
