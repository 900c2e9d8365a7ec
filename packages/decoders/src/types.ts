import type {
  Approval,
  ContractCreation,
  Swap,
  TokenTransfer,
  EventLocation as TxEventLocation,
  VaultEvent,
  WethEvent,
} from "@chainlog/tx-schema";

export type { Approval, ContractCreation, VaultEvent, WethEvent };

/** Where an event happened; with logIndex it identifies the row. */
export type EventLocation = TxEventLocation;

/**
 * A swap as the log says it. The processor enriches it into tx-schema's Swap (transaction sender, the pool's
 * tokens, a price), which needs the node; the decoder stays pure.
 */
export type DecodedSwap = Omit<Swap, "transactionFrom" | "token0" | "token1" | "price">;

export interface PairSync extends EventLocation {
  pool: string;
  reserve0: string;
  reserve1: string;
}

export type SkipReason =
  | "transfer"
  | "transferSingle"
  | "transferBatch"
  | "approval"
  | "approvalForAll"
  | "weth"
  | "swapV2"
  | "syncV2"
  | "swapV3"
  | "vaultDeposit"
  | "vaultWithdraw";

export interface DecodedLogs {
  tokenTransfers: TokenTransfer[];
  approvals: Approval[];
  wethEvents: WethEvent[];
  swaps: DecodedSwap[];
  syncs: PairSync[];
  /** ERC-4626 Deposit/Withdraw of any vault. */
  vaultEvents: VaultEvent[];
  /** Logs that carried a known topic0 but not the event's shape (data length, topic count, values). */
  skipped: Partial<Record<SkipReason, number>>;
  skippedTotal: number;
}
