import type {
  Block,
  BlockRef,
  IngestCursor,
  Log,
  Receipt,
  TokenTransfer,
  Transaction,
} from "@chainlog/tx-schema";

/** A block with everything derived from it; written as one unit so a reader never sees half a block. */
export interface IndexedBlock {
  chainId: number;
  block: Block;
  transactions: Transaction[];
  receipts: Receipt[];
  logs: Log[];
  tokenTransfers: TokenTransfer[];
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. null on the last page. */
  nextCursor: string | null;
}

export interface PageQuery {
  limit: number;
  cursor?: string | null;
}

export interface TransactionDetail {
  transaction: Transaction;
  receipt: Receipt | null;
  logs: Log[];
  tokenTransfers: TokenTransfer[];
}

export interface StoreHealth {
  ok: boolean;
  detail?: string;
}

/** Thrown for a pagination cursor the store did not make (tampered or from another query). */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
  constructor() {
    super("invalid pagination cursor");
  }
}

export interface Store {
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  /**
   * Idempotent: writing the same block again changes nothing. A block at a height that already holds another
   * (not rolled back) block replaces it as the canonical one for that height.
   */
  writeBlocks(blocks: IndexedBlock[]): Promise<void>;
  /** Removes every row of the block with this hash (raw and derived). Idempotent; unknown hashes are a no-op. */
  rollbackBlock(ref: BlockRef): Promise<void>;

  getLatestBlock(): Promise<Block | null>;
  getBlockByNumber(number: number): Promise<Block | null>;
  getBlockByHash(hash: string): Promise<Block | null>;
  /** Transactions of a block in index order. */
  getBlockTransactions(blockHash: string, page: PageQuery): Promise<Page<Transaction>>;
  getTransaction(hash: string): Promise<TransactionDetail | null>;
  /** Transactions from or to an address, newest first (block number, then index, descending). */
  getAddressTransactions(address: string, page: PageQuery): Promise<Page<Transaction>>;
  /** Token transfers from or to an address, newest first. */
  getAddressTokenTransfers(address: string, page: PageQuery): Promise<Page<TokenTransfer>>;

  getCursor(name: string): Promise<IngestCursor | null>;
  setCursor(name: string, cursor: IngestCursor): Promise<void>;

  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
