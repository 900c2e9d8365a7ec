import { createHash } from "node:crypto";
import {
  Approval,
  BalanceSnapshot,
  Block,
  blockStatsOf,
  type CallType,
  ContractCreation,
  InternalTransaction,
  Log,
  NATIVE_ASSET,
  PricePoint,
  type PriceQuote,
  Receipt,
  Swap,
  type TokenStandard,
  TokenTransfer,
  Transaction,
  VaultEvent,
  WethEvent,
} from "@chainlog/tx-schema";
import type { IndexedBlock } from "../store.ts";

/*
 * Realistic records for the contract suites, checked against tx-schema so every adapter is tested with what the
 * pipeline really writes. Hashes and addresses are derived from labels, so a test can name them.
 */

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** A 32-byte hash derived from a label. */
export const hashOf = (label: string): string => `0x${sha(`hash:${label}`)}`;
/** A 20-byte lower-case address derived from a label. */
export const addressOf = (label: string): string => `0x${sha(`address:${label}`).slice(0, 40)}`;

/** keccak256("Transfer(address,address,uint256)"), the ERC-20/721 Transfer topic. */
export const TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
export const MAX_UINT256 = (2n ** 256n - 1n).toString();

/** Topics of the other events the processor decodes (keccak256 of their signatures). */
export const APPROVAL_TOPIC = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
export const APPROVAL_FOR_ALL_TOPIC = "0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31";
export const DEPOSIT_TOPIC = "0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c";
/** ERC-4626 Deposit(address,address,uint256,uint256) and Withdraw(address,address,address,uint256,uint256). */
export const VAULT_DEPOSIT_TOPIC = "0xdcbc1c05240f31ff3ad067ef1ee35ce4997762752e3a095284754544f4c709d7";
export const VAULT_WITHDRAW_TOPIC = "0xfbde797d201c681b91056529119e0b02407c7bb96a4a2c75c01fc9667232c8db";
export const WITHDRAWAL_TOPIC = "0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65";
export const SWAP_V2_TOPIC = "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822";
export const SWAP_V3_TOPIC = "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67";

const topicOf = (address: string) => `0x${address.slice(2).padStart(64, "0")}`;
/** ABI words: uint256 as-is, negative int256 as two's complement. */
const word = (v: string | bigint) => {
  const n = BigInt(v);
  return (n < 0n ? 2n ** 256n + n : n).toString(16).padStart(64, "0");
};

export interface TransferSpec {
  token: string;
  from: string;
  to: string;
  value?: string;
  standard?: TokenStandard;
  tokenId?: string | null;
  /** ERC-1155 TransferBatch: this many rows from one log, batchIndex 0..n-1. */
  batch?: number;
}

export interface SwapSpec {
  pool: string;
  protocol?: "uniswap-v2" | "uniswap-v3";
  /** The event's sender (a router) and recipient; both default to the transaction's sender. */
  sender?: string;
  recipient?: string;
  token0?: string | null;
  token1?: string | null;
  /** Signed, from the pool's side. Defaults: 1000 in, 2000 out. */
  amount0?: string;
  amount1?: string;
  /** Prices this swap sets (price points at the swap's log). */
  prices?: { token: string; quote: PriceQuote; price: number }[];
}

export interface ApprovalSpec {
  token: string;
  owner: string;
  spender: string;
  kind?: "erc20" | "erc721" | "operator";
  value?: string;
  tokenId?: string;
  approved?: boolean;
}

export interface WethSpec {
  token: string;
  account: string;
  kind?: "deposit" | "withdrawal";
  value?: string;
}

export interface VaultSpec {
  vault: string;
  /** Whose shares are minted or burnt. */
  owner: string;
  kind?: "deposit" | "withdraw";
  /** Default: the transaction's sender. */
  sender?: string;
  /** A withdraw's payee; default the owner. */
  receiver?: string;
  assets?: string;
  shares?: string;
}

export interface BalanceSpec {
  address: string;
  /** Defaults to NATIVE_ASSET (ETH). */
  token?: string;
  balance: string;
}

export interface TxSpec {
  from: string;
  /** null: contract creation. */
  to: string | null;
  value?: string;
  type?: 0 | 1 | 2 | 3 | 4;
  input?: string;
  status?: 0 | 1;
  transfers?: TransferSpec[];
  /** Extra plain logs (no token transfer). */
  logs?: number;
  swaps?: SwapSpec[];
  approvals?: ApprovalSpec[];
  weth?: WethSpec[];
  vault?: VaultSpec[];
  /** Contracts this transaction's calls created (CREATE/CREATE2 seen in a trace), by address. */
  traceCreations?: string[];
  /** Calls this transaction made, as its trace shows them (CREATE frames of traceCreations are added). */
  internal?: InternalSpec[];
}

/** One call frame inside a transaction: a call of the transaction's callee (depth 1), or of the frame before it. */
export interface InternalSpec {
  /** Default: the transaction's callee (depth 1), or the previous frame's callee (nested). */
  from?: string;
  to: string | null;
  value?: string;
  callType?: CallType;
  error?: string;
  /** A call made by the previous frame (depth 2) rather than by the transaction's callee. */
  nested?: boolean;
}

export interface BlockSpec {
  number: number;
  /** Distinguishes competing blocks of one height (reorg tests): same number, other fork → other hash. */
  fork?: string;
  parentHash?: string;
  chainId?: number;
  timestamp?: number;
  txs?: TxSpec[];
  /** logIndex of the block's first log (providers that count past 2^32 exist). */
  firstLogIndex?: number;
  /** Balances of watched addresses at the end of this block. */
  balances?: BalanceSpec[];
}

/** The address a top-level deployment in this transaction creates (the receipt's contractAddress). */
export const createdAddressOf = (txHash: string): string => addressOf(`created:${txHash}`);

/**
 * The start (seconds) of a UTC day no other caller of this process gets, far from real chain time, so stats
 * tests on a shared database never count each other's blocks.
 */
let dayCounter = 0;
const dayBase = 50_000 + Math.floor(Math.random() * 100_000);
export function uniqueDayStart(): number {
  return (dayBase + dayCounter++ * 3) * 86_400;
}

export function blockHashOf(number: number, fork = "main"): string {
  return hashOf(`block:${fork}:${number}`);
}

export function buildBlock(spec: BlockSpec): IndexedBlock {
  const chainId = spec.chainId ?? 31337;
  const fork = spec.fork ?? "main";
  const number = spec.number;
  const hash = blockHashOf(number, fork);
  const txSpecs = spec.txs ?? [];
  const transactions: Transaction[] = [];
  const receipts: Receipt[] = [];
  const logs: Log[] = [];
  const tokenTransfers: TokenTransfer[] = [];
  const approvals: Approval[] = [];
  const wethEvents: WethEvent[] = [];
  const vaultEvents: VaultEvent[] = [];
  const swaps: Swap[] = [];
  const contractCreations: ContractCreation[] = [];
  const internalTransactions: InternalTransaction[] = [];
  const pricePoints: PricePoint[] = [];
  // Heights past 2^40 (tested) would put the default timestamp beyond what a Date holds.
  const timestamp = spec.timestamp ?? 1_700_000_000 + (number % 1_000_000_000) * 12;
  let logIndex = spec.firstLogIndex ?? 0;
  let cumulativeGas = 0n;

  txSpecs.forEach((t, i) => {
    const type = t.type ?? 2;
    const txHash = hashOf(`tx:${fork}:${number}:${i}`);
    const dynamic = type >= 2;
    const tx = Transaction.parse({
      hash: txHash,
      blockNumber: number,
      blockHash: hash,
      transactionIndex: i,
      from: t.from,
      to: t.to,
      value: t.value ?? String(1_000_000_000_000_000n * BigInt(i + 1)),
      nonce: String(i),
      gas: "21000",
      gasPrice: "30000000000",
      maxFeePerGas: dynamic ? "40000000000" : null,
      maxPriorityFeePerGas: dynamic ? "1500000000" : null,
      input: t.input ?? (t.to === null ? "0x6080604052" : "0x"),
      type,
      chainId: type === 0 ? null : String(chainId),
      accessList: type === 0 ? null : [],
      maxFeePerBlobGas: type === 3 ? "1000000000" : null,
      blobVersionedHashes: type === 3 ? [`0x01${sha(`blob:${txHash}`).slice(2)}`] : null,
      authorizationList:
        type === 4
          ? [
              {
                chainId: String(chainId),
                address: addressOf("delegate"),
                nonce: "0",
                yParity: 1,
                r: hashOf(`r:${txHash}`),
                s: hashOf(`s:${txHash}`),
              },
            ]
          : null,
      v: type === 0 ? String(chainId * 2 + 35) : "1",
      r: hashOf(`sig-r:${txHash}`),
      s: hashOf(`sig-s:${txHash}`),
      yParity: type === 0 ? null : 1,
    });
    transactions.push(tx);

    const txLogs: Log[] = [];
    for (const tr of t.transfers ?? []) {
      const standard = tr.standard ?? "erc20";
      const log = Log.parse({
        blockNumber: number,
        blockHash: hash,
        transactionHash: txHash,
        transactionIndex: i,
        logIndex: logIndex++,
        address: tr.token,
        topics: [TRANSFER_TOPIC, topicOf(tr.from), topicOf(tr.to)],
        data: `0x${BigInt(tr.value ?? "1")
          .toString(16)
          .padStart(64, "0")}`,
      });
      txLogs.push(log);
      const rows = standard === "erc1155" ? (tr.batch ?? 1) : 1;
      for (let b = 0; b < rows; b++)
        tokenTransfers.push(
          TokenTransfer.parse({
            standard,
            token: tr.token,
            from: tr.from,
            to: tr.to,
            value: standard === "erc721" ? "1" : (tr.value ?? "1"),
            tokenId: standard === "erc20" ? null : (tr.tokenId ?? String(b + 1)),
            operator: standard === "erc1155" ? tr.from : null,
            blockNumber: number,
            blockHash: hash,
            transactionHash: txHash,
            transactionIndex: i,
            logIndex: log.logIndex,
            batchIndex: b,
          }),
        );
    }
    const at = (emitter: string, topics: string[], data: string) => {
      const log = Log.parse({
        blockNumber: number,
        blockHash: hash,
        transactionHash: txHash,
        transactionIndex: i,
        logIndex: logIndex++,
        address: emitter,
        topics,
        data,
      });
      txLogs.push(log);
      return {
        blockNumber: number,
        blockHash: hash,
        transactionHash: txHash,
        transactionIndex: i,
        logIndex: log.logIndex,
      };
    };
    for (const ap of t.approvals ?? []) {
      const kind = ap.kind ?? "erc20";
      const value = kind === "erc20" ? (ap.value ?? MAX_UINT256) : null;
      const tokenId = kind === "erc721" ? (ap.tokenId ?? "1") : null;
      const approved = kind === "operator" ? (ap.approved ?? true) : null;
      const location =
        kind === "operator"
          ? at(
              ap.token,
              [APPROVAL_FOR_ALL_TOPIC, topicOf(ap.owner), topicOf(ap.spender)],
              `0x${word(approved ? 1n : 0n)}`,
            )
          : kind === "erc721"
            ? at(
                ap.token,
                [APPROVAL_TOPIC, topicOf(ap.owner), topicOf(ap.spender), `0x${word(tokenId!)}`],
                "0x",
              )
            : at(ap.token, [APPROVAL_TOPIC, topicOf(ap.owner), topicOf(ap.spender)], `0x${word(value!)}`);
      approvals.push(
        Approval.parse({
          ...location,
          kind,
          token: ap.token,
          owner: ap.owner,
          spender: ap.spender,
          value,
          tokenId,
          approved,
        }),
      );
    }
    for (const w of t.weth ?? []) {
      const kind = w.kind ?? "deposit";
      const value = w.value ?? "1000000000000000000";
      const location = at(
        w.token,
        [kind === "deposit" ? DEPOSIT_TOPIC : WITHDRAWAL_TOPIC, topicOf(w.account)],
        `0x${word(value)}`,
      );
      wethEvents.push(WethEvent.parse({ ...location, kind, token: w.token, account: w.account, value }));
    }
    for (const v of t.vault ?? []) {
      const kind = v.kind ?? "deposit";
      const sender = v.sender ?? t.from;
      const receiver = kind === "withdraw" ? (v.receiver ?? v.owner) : null;
      const assets = v.assets ?? "1000000000000000000";
      const shares = v.shares ?? assets;
      const location =
        kind === "deposit"
          ? at(
              v.vault,
              [VAULT_DEPOSIT_TOPIC, topicOf(sender), topicOf(v.owner)],
              `0x${word(assets)}${word(shares)}`,
            )
          : at(
              v.vault,
              [VAULT_WITHDRAW_TOPIC, topicOf(sender), topicOf(receiver!), topicOf(v.owner)],
              `0x${word(assets)}${word(shares)}`,
            );
      vaultEvents.push(
        VaultEvent.parse({
          ...location,
          kind,
          vault: v.vault,
          sender,
          owner: v.owner,
          receiver,
          assets,
          shares,
        }),
      );
    }
    for (const sw of t.swaps ?? []) {
      const protocol = sw.protocol ?? "uniswap-v2";
      const sender = sw.sender ?? t.from;
      const recipient = sw.recipient ?? t.from;
      const amount0 = sw.amount0 ?? "1000";
      const amount1 = sw.amount1 ?? "-2000";
      const [a0, a1] = [BigInt(amount0), BigInt(amount1)];
      const abs = (v: bigint) => (v < 0n ? -v : v);
      const v3 = protocol === "uniswap-v3";
      const sqrtPriceX96 = v3 ? (2n ** 96n * 2n).toString() : null;
      const location = v3
        ? at(
            sw.pool,
            [SWAP_V3_TOPIC, topicOf(sender), topicOf(recipient)],
            `0x${word(a0)}${word(a1)}${word(sqrtPriceX96!)}${word(10n ** 18n)}${word(13863n)}`,
          )
        : at(
            sw.pool,
            [SWAP_V2_TOPIC, topicOf(sender), topicOf(recipient)],
            `0x${word(a0 > 0n ? a0 : 0n)}${word(a1 > 0n ? a1 : 0n)}${word(a0 < 0n ? -a0 : 0n)}${word(a1 < 0n ? -a1 : 0n)}`,
          );
      swaps.push(
        Swap.parse({
          ...location,
          protocol,
          pool: sw.pool,
          transactionFrom: t.from,
          sender,
          recipient,
          token0: sw.token0 === undefined ? addressOf(`token0:${sw.pool}`) : sw.token0,
          token1: sw.token1 === undefined ? addressOf(`token1:${sw.pool}`) : sw.token1,
          amount0,
          amount1,
          price: a0 === 0n || a1 === 0n ? null : Number(abs(a1)) / Number(abs(a0)),
          sqrtPriceX96,
          liquidity: v3 ? (10n ** 18n).toString() : null,
          tick: v3 ? 13863 : null,
        }),
      );
      for (const p of sw.prices ?? [])
        pricePoints.push(
          PricePoint.parse({
            token: p.token,
            quote: p.quote,
            price: p.price,
            pool: sw.pool,
            blockNumber: number,
            blockHash: hash,
            timestamp,
            transactionHash: txHash,
            logIndex: location.logIndex,
          }),
        );
    }
    for (let k = 0; k < (t.logs ?? 0); k++)
      txLogs.push(
        Log.parse({
          blockNumber: number,
          blockHash: hash,
          transactionHash: txHash,
          transactionIndex: i,
          logIndex: logIndex++,
          address: t.to ?? createdAddressOf(txHash),
          topics: [hashOf(`event:${k}`)],
          data: `0x${sha(`data:${txHash}:${k}`)}`,
        }),
      );
    logs.push(...txLogs);

    const gasUsed = 21000n + BigInt(txLogs.length) * 1000n;
    cumulativeGas += gasUsed;
    receipts.push(
      Receipt.parse({
        transactionHash: txHash,
        transactionIndex: i,
        blockHash: hash,
        blockNumber: number,
        from: t.from,
        to: t.to,
        cumulativeGasUsed: cumulativeGas.toString(),
        gasUsed: gasUsed.toString(),
        effectiveGasPrice: "31500000000",
        contractAddress: t.to === null ? createdAddressOf(txHash) : null,
        status: t.status ?? 1,
        root: null,
        logsBloom: `0x${"0".repeat(512)}`,
        type,
        blobGasUsed: type === 3 ? "131072" : null,
        blobGasPrice: type === 3 ? "1" : null,
      }),
    );
    const creation = {
      creator: t.from,
      blockNumber: number,
      blockHash: hash,
      transactionHash: txHash,
      transactionIndex: i,
    };
    if (t.to === null)
      contractCreations.push(
        ContractCreation.parse({ ...creation, address: createdAddressOf(txHash), source: "receipt" }),
      );
    // A factory (the called contract) creates the trace-seen contracts.
    for (const address of t.traceCreations ?? [])
      contractCreations.push(
        ContractCreation.parse({
          ...creation,
          creator: t.to ?? createdAddressOf(txHash),
          address,
          source: "trace",
        }),
      );
    const callee = t.to ?? createdAddressOf(txHash);
    const frames: InternalSpec[] = [
      ...(t.internal ?? []),
      ...(t.traceCreations ?? []).map((to): InternalSpec => ({ to, callType: "CREATE", value: "0" })),
    ];
    let top = -1;
    let child = -1;
    let parent: { to: string | null; failed: boolean } = { to: callee, failed: false };
    for (const f of frames) {
      if (!f.nested) {
        top += 1;
        child = -1;
      } else child += 1;
      const caller = f.nested ? parent : { to: callee, failed: false };
      const failed = caller.failed || f.error !== undefined;
      const callType = f.callType ?? "CALL";
      internalTransactions.push(
        InternalTransaction.parse({
          blockNumber: number,
          blockHash: hash,
          transactionHash: txHash,
          transactionIndex: i,
          traceAddress: f.nested ? [top, child] : [top],
          depth: f.nested ? 2 : 1,
          callType,
          from: f.from ?? caller.to,
          to: f.to,
          value: callType === "STATICCALL" || callType === "DELEGATECALL" ? null : (f.value ?? "0"),
          gas: "50000",
          gasUsed: "21000",
          input: callType === "CREATE" || callType === "CREATE2" ? "0x6080" : "0x",
          output: failed ? null : "0x",
          error: f.error ?? null,
          revertReason: null,
          status: failed ? 0 : 1,
          subtraces: 0,
        }),
      );
      if (!f.nested) parent = { to: f.to, failed };
    }
    // subtraces: how many nested frames follow each top frame
    for (const f of internalTransactions)
      if (f.transactionHash === txHash && f.depth === 1)
        f.subtraces = internalTransactions.filter(
          (g) => g.transactionHash === txHash && g.depth === 2 && g.traceAddress[0] === f.traceAddress[0],
        ).length;
  });

  const block = Block.parse({
    number,
    hash,
    parentHash: spec.parentHash ?? (number === 0 ? `0x${"0".repeat(64)}` : blockHashOf(number - 1, fork)),
    nonce: "0x0000000000000000",
    sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    logsBloom: `0x${"0".repeat(512)}`,
    transactionsRoot: hashOf(`txroot:${hash}`),
    stateRoot: hashOf(`stateroot:${hash}`),
    receiptsRoot: hashOf(`receiptsroot:${hash}`),
    miner: addressOf("miner"),
    difficulty: "0",
    totalDifficulty: null,
    size: 600 + txSpecs.length * 110,
    extraData: "0x",
    gasLimit: "30000000",
    gasUsed: cumulativeGas.toString(),
    timestamp,
    transactionCount: transactions.length,
    baseFeePerGas: "7",
    withdrawalsRoot: hashOf(`withdrawals:${hash}`),
    withdrawals: [
      { index: number, validatorIndex: 7, address: addressOf("validator"), amount: "32000000000" },
    ],
    blobGasUsed: "0",
    excessBlobGas: "0",
    parentBeaconBlockRoot: hashOf(`beacon:${hash}`),
  });

  return {
    chainId,
    block,
    transactions,
    receipts,
    logs,
    tokenTransfers,
    approvals,
    wethEvents,
    vaultEvents,
    swaps,
    contractCreations,
    internalTransactions,
    pricePoints,
    balances: (spec.balances ?? []).map((b) =>
      BalanceSnapshot.parse({
        address: b.address,
        token: b.token ?? NATIVE_ASSET,
        balance: b.balance,
        blockNumber: number,
        blockHash: hash,
        timestamp,
      }),
    ),
    stats: blockStatsOf({ chainId, block, transactions, receipts, tokenTransfers }),
  };
}

/** A short, random-suffixed name, so suites sharing one cluster never see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
