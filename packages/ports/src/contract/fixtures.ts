import { createHash } from "node:crypto";
import {
  Block,
  blockStatsOf,
  Log,
  Receipt,
  type TokenStandard,
  TokenTransfer,
  Transaction,
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

const topicOf = (address: string) => `0x${address.slice(2).padStart(64, "0")}`;

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
    for (let k = 0; k < (t.logs ?? 0); k++)
      txLogs.push(
        Log.parse({
          blockNumber: number,
          blockHash: hash,
          transactionHash: txHash,
          transactionIndex: i,
          logIndex: logIndex++,
          address: t.to ?? addressOf(`created:${txHash}`),
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
        contractAddress: t.to === null ? addressOf(`created:${txHash}`) : null,
        status: t.status ?? 1,
        root: null,
        logsBloom: `0x${"0".repeat(512)}`,
        type,
        blobGasUsed: type === 3 ? "131072" : null,
        blobGasPrice: type === 3 ? "1" : null,
      }),
    );
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
    timestamp: spec.timestamp ?? 1_700_000_000 + number * 12,
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
    approvals: [],
    wethEvents: [],
    swaps: [],
    contractCreations: [],
    pricePoints: [],
    balances: [],
    stats: blockStatsOf({ chainId, block, transactions, receipts, tokenTransfers }),
  };
}

/** A short, random-suffixed name, so suites sharing one cluster never see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
