import type {
  Approval,
  BalanceSnapshot,
  Block,
  BlockRef,
  BlockStats,
  ContractCreation,
  DailyStats,
  EnrichmentMark,
  IngestCursor,
  InternalTransaction,
  Log,
  Page,
  PricePoint,
  PriceQuote,
  Receipt,
  ServiceStatus,
  Swap,
  TokenMetadata,
  TokenTransfer,
  Transaction,
  UtcDay,
  VaultEvent,
  WethEvent,
} from "@chainlog/tx-schema";
import { ChainlogError } from "@chainlog/tx-schema";
import type { TokenHolding } from "./holdings.ts";

/** A block's raw records, as ingest published them and the store keeps them. */
export interface StoredBlock {
  block: Block;
  transactions: Transaction[];
  receipts: Receipt[];
  logs: Log[];
}

/** A block with everything derived from it; written as one unit so a reader never sees half a block. */
export interface IndexedBlock {
  chainId: number;
  block: Block;
  transactions: Transaction[];
  receipts: Receipt[];
  logs: Log[];
  tokenTransfers: TokenTransfer[];
  approvals: Approval[];
  wethEvents: WethEvent[];
  /** ERC-4626 Deposit/Withdraw events; absent reads as none (blocks built before vaults were decoded). */
  vaultEvents?: VaultEvent[];
  swaps: Swap[];
  contractCreations: ContractCreation[];
  /** Call frames inside the transactions (depth ≥ 1), from the call traces; empty until the block is traced. */
  internalTransactions: InternalTransaction[];
  pricePoints: PricePoint[];
  /** Balances of watched addresses at the end of this block (only those the block may have changed). */
  balances: BalanceSnapshot[];
  stats: BlockStats;
}

/**
 * What the enrichment stage adds to a stored block (everything that needed extra RPC calls), written as one
 * unit with its mark, and only while that block is still the one stored at its height.
 */
export interface BlockEnrichment {
  mark: EnrichmentMark;
  /** Contracts created by contracts (source "trace"); the receipts' own creations are written with the block. */
  contractCreations: ContractCreation[];
  /** Call frames inside the block's transactions (depth ≥ 1), from its call traces. */
  internalTransactions: InternalTransaction[];
  /** Every swap of the block again, now with its pool's tokens and price. */
  swaps: Swap[];
  pricePoints: PricePoint[];
  balances: BalanceSnapshot[];
}

/** One stored height, as the status scans see it. */
/** Where a pending holdings backfill is: [from, next) is filled, [next, upTo] not yet. */
export interface HoldingsBackfill {
  from: number;
  next: number;
  upTo: number;
}

export interface StoredHeight {
  number: number;
  hash: string;
  enriched: boolean;
}

/** Pages are tx-schema's (the API serves them as they are); the cursor is opaque, valid only where it came from. */
export type { Page };

export interface PageQuery {
  limit: number;
  cursor?: string | null;
}

/** A TransactionDetail as JSON text per field, with the block hash its transaction is in. */
export interface TransactionDetailJson {
  blockHash: string;
  json: Record<keyof TransactionDetail, string>;
}

export interface TransactionDetail {
  transaction: Transaction;
  receipt: Receipt | null;
  logs: Log[];
  tokenTransfers: TokenTransfer[];
  swaps: Swap[];
  approvals: Approval[];
  wethEvents: WethEvent[];
  /** Contracts this transaction deployed (top level and, when traced, by CREATE/CREATE2 inside it). */
  contractCreations: ContractCreation[];
  /** The calls this transaction made (depth ≥ 1), in trace order; empty until (or unless) its block is traced. */
  internalTransactions: InternalTransaction[];
}

export interface PriceSeriesQuery extends PageQuery {
  /** Inclusive bounds on the block timestamp, seconds. */
  fromTimestamp?: number;
  toTimestamp?: number;
}

export interface StoreHealth {
  ok: boolean;
  detail?: string;
}

/** Thrown for a pagination cursor the store did not make (tampered or from another query). */
export class InvalidCursorError extends ChainlogError {
  override name = "InvalidCursorError";
  constructor() {
    super("invalid pagination cursor");
  }
}

/** Opening, upgrading and closing: every role has them, each for its own tables. */
export interface StoreLifecycle {
  /** Creates or upgrades the tables this role needs (and only those); safe to call on every start. */
  migrate(): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/**
 * Operational state: the ingest cursors and the services' status reports. Small tables a service may open alone
 * (ingest does), without creating or migrating the chain tables.
 */
export interface OperationalState extends StoreLifecycle {
  getCursor(name: string): Promise<IngestCursor | null>;
  setCursor(name: string, cursor: IngestCursor): Promise<void>;
  /** Replaces the report of (service, instance). Reports expire: readers ignore those older than `maxAgeMs`. */
  putServiceStatus(status: ServiceStatus): Promise<void>;
  /** Every report newer than now − maxAgeMs, ingest first, then by instance. */
  getServiceStatuses(maxAgeMs: number): Promise<ServiceStatus[]>;
}

/** The read model: everything the API and the lake read of the stored chain. */
export interface ReadModel extends StoreLifecycle {
  /** The marks of these blocks (by hash) that are enriched; absent ones are pending or unknown. */
  getEnrichment(blockHashes: string[]): Promise<Map<string, EnrichmentMark>>;
  /** Stored heights from `from` up, ascending, at most `limit`: what the status's "complete below" is read from. */
  getHeights(from: number, limit: number): Promise<StoredHeight[]>;

  getLatestBlock(): Promise<Block | null>;
  getBlockByNumber(number: number): Promise<Block | null>;
  getBlockByHash(hash: string): Promise<Block | null>;
  /**
   * The raw records of the stored block with this hash (transactions, receipts and logs in index order), as the
   * raw stage wrote them: what the enrichment stage and the live feed work from, so the bus carries each block's
   * payload once. Null when no such block is stored (unknown, rolled back or replaced).
   */
  getStoredBlock(hash: string): Promise<StoredBlock | null>;
  /** Transactions of a block in index order. */
  getBlockTransactions(blockHash: string, page: PageQuery): Promise<Page<Transaction>>;
  getTransaction(hash: string): Promise<TransactionDetail | null>;
  /**
   * getTransaction's answer as JSON text, field by field (each exactly `JSON.stringify` of that field), for
   * readers that answer it without building the objects (the tx-by-hash route).
   */
  getTransactionJson(hash: string): Promise<TransactionDetailJson | null>;
  /** Transactions from or to an address, newest first (block number, then index, descending). */
  getAddressTransactions(address: string, page: PageQuery): Promise<Page<Transaction>>;
  /**
   * Internal transactions (call frames inside transactions) from or to an address, newest first (block number,
   * transaction index, then trace order, descending).
   */
  getAddressInternalTransactions(address: string, page: PageQuery): Promise<Page<InternalTransaction>>;
  /** Token transfers from or to an address, newest first. */
  getAddressTokenTransfers(address: string, page: PageQuery): Promise<Page<TokenTransfer>>;
  /** Transfers of one token contract, newest first (block, log index, batch index descending). */
  getTokenTransfers(token: string, page: PageQuery): Promise<Page<TokenTransfer>>;
  /**
   * Swaps where the address is the transaction's sender, the event's sender or its recipient (each swap once),
   * newest first.
   */
  getAddressSwaps(address: string, page: PageQuery): Promise<Page<Swap>>;
  /**
   * ERC-4626 vault events where the address is the owner of the shares, the sender or the receiver (each event
   * once), newest first (block number, log index descending): what a staker's positions are summed from.
   */
  getAddressVaultEvents(address: string, page: PageQuery): Promise<Page<VaultEvent>>;
  /** The creation of a contract address, or null if none stored (an EOA, or created before the indexed range). */
  getContractCreation(address: string): Promise<ContractCreation | null>;

  getToken(address: string): Promise<TokenMetadata | null>;
  /** Several at once (portfolio, transfer lists); unknown addresses are absent from the result. */
  getTokens(addresses: string[]): Promise<Map<string, TokenMetadata>>;
  /** Tokens whose symbol equals `symbol` ignoring case, at most `limit`, ordered by address. */
  findTokensBySymbol(symbol: string, limit: number): Promise<TokenMetadata[]>;

  /** A token's price points in one quote, newest first (block number, log index descending). */
  getPriceSeries(token: string, quote: PriceQuote, query: PriceSeriesQuery): Promise<Page<PricePoint>>;
  /** The newest price point of each token in one quote; tokens never priced are absent. */
  getLatestPrices(tokens: string[], quote: PriceQuote): Promise<Map<string, PricePoint>>;

  /** The newest snapshot of each asset a watched address holds or held (NATIVE_ASSET for ETH), by token. */
  getAddressBalances(address: string): Promise<BalanceSnapshot[]>;
  /**
   * What any address holds by the stored transfers (ERC-20 per token, ERC-721/1155 per token id), kept by the
   * store as blocks are written, replaced and rolled back; zero holdings are absent. Ordered by token, then token
   * id (numerically), at most `limit` (1 to 10,000: MAX_HOLDINGS_READ).
   */
  getAddressHoldings(address: string, limit: number): Promise<TokenHolding[]>;
  /**
   * A holdings backfill still under way (a store made before holdings were kept): heights from `next` to `upTo`
   * have no holdings yet, so holdings are complete only from upTo + 1 up. Null when none is pending. Stores that
   * fill holdings as they migrate leave it out.
   */
  getHoldingsBackfill?(): Promise<HoldingsBackfill | null>;

  /** Per-day aggregates merged from the stored blocks' BlockStats, for days in [fromDay, toDay], ascending. */
  getDailyStats(fromDay: UtcDay, toDay: UtcDay): Promise<DailyStats[]>;
}

/**
 * The chain writer: blocks, their enrichment, rollbacks and token metadata. It also reads what it needs to write
 * each thing once: which blocks are enriched, which heights are stored, which tokens are known.
 */
export interface ChainWriter
  extends StoreLifecycle,
    Pick<ReadModel, "getEnrichment" | "getHeights" | "getTokens" | "getStoredBlock"> {
  /**
   * Idempotent: writing the same block again changes nothing (its enrichment included). A block at a height that
   * already holds another (not rolled back) block replaces it as the canonical one for that height.
   */
  writeBlocks(blocks: IndexedBlock[]): Promise<void>;
  /**
   * Adds each block's enrichment and mark, but only where that very block (number and hash) is stored: a block
   * rolled back or replaced meanwhile gets nothing. Idempotent. Returns how many blocks were enriched.
   */
  writeEnrichment(items: BlockEnrichment[]): Promise<number>;
  /**
   * Removes every row of the block with this hash, raw and derived (transfers, approvals, WETH and vault events, swaps,
   * creations, internal transactions, price points, balance snapshots, block stats) and its enrichment, and takes
   * its transfers off the holdings. Idempotent; unknown hashes are a no-op.
   */
  rollbackBlock(ref: BlockRef): Promise<void>;
  /** Insert or replace by address. Not block-scoped: a rollback keeps token metadata. */
  upsertTokens(tokens: TokenMetadata[]): Promise<void>;
}

/** The whole store in one object (both adapters make one); services open only the roles they need. */
export interface Store extends ChainWriter, ReadModel, OperationalState {}

/**
 * A transaction's frames in trace order (depth first: a frame before its calls), each with its position in that
 * order: the key both adapters store and page internal transactions by.
 */
export function internalPositions(
  frames: readonly InternalTransaction[],
): Array<[InternalTransaction, number]> {
  const byTx = new Map<string, InternalTransaction[]>();
  for (const f of frames) {
    const list = byTx.get(f.transactionHash);
    if (list) list.push(f);
    else byTx.set(f.transactionHash, [f]);
  }
  const out: Array<[InternalTransaction, number]> = [];
  for (const list of byTx.values()) {
    const ordered = [...list].sort((a, b) => compareTraceAddress(a.traceAddress, b.traceAddress));
    for (const [i, f] of ordered.entries()) out.push([f, i]);
  }
  return out;
}

function compareTraceAddress(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
