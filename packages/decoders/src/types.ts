import type { TokenTransfer } from "@chainlog/tx-schema";

/** Where an event happened; with logIndex it identifies the row. */
export interface EventLocation {
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
  logIndex: number;
}

export interface Approval extends EventLocation {
  /** erc20: allowance `value`; erc721: single-token approval of `tokenId`; operator: ApprovalForAll. */
  kind: "erc20" | "erc721" | "operator";
  token: string;
  owner: string;
  spender: string;
  value: string | null;
  tokenId: string | null;
  approved: boolean | null;
}

export interface WethEvent extends EventLocation {
  kind: "deposit" | "withdrawal";
  /** The emitting contract. Deposit/Withdrawal(address,uint256) is also used by non-WETH contracts. */
  token: string;
  account: string;
  value: string;
}

export interface Swap extends EventLocation {
  protocol: "uniswap-v2" | "uniswap-v3";
  pool: string;
  sender: string;
  recipient: string;
  /** Signed decimal, from the pool's side: positive = paid into the pool, negative = paid out (V3's convention). */
  amount0: string;
  amount1: string;
  /** V3 only: the pool price after the swap (Q64.96), its liquidity and tick; null for V2. */
  sqrtPriceX96: string | null;
  liquidity: string | null;
  tick: number | null;
}

export interface PairSync extends EventLocation {
  pool: string;
  reserve0: string;
  reserve1: string;
}

export interface ContractCreation {
  address: string;
  creator: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  transactionIndex: number;
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
  | "swapV3";

export interface DecodedLogs {
  tokenTransfers: TokenTransfer[];
  approvals: Approval[];
  wethEvents: WethEvent[];
  swaps: Swap[];
  syncs: PairSync[];
  /** Logs that carried a known topic0 but not the event's shape (data length, topic count, values). */
  skipped: Partial<Record<SkipReason, number>>;
  skippedTotal: number;
}
