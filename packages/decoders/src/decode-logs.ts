import type { Log, TokenTransfer } from "@chainlog/tx-schema";
import { EventTopics } from "./signatures.ts";
import type {
  Approval,
  DecodedLogs,
  DecodedSwap,
  EventLocation,
  PairSync,
  SkipReason,
  VaultEvent,
  WethEvent,
} from "./types.ts";
import {
  isTopic,
  topicWord,
  word,
  wordCount,
  wordToAddress,
  wordToBigInt,
  wordToInt,
  wordToUint,
} from "./words.ts";

/** Upper bound on an ERC-1155 batch: a hostile length must not make us allocate or loop for long. */
const MAX_BATCH = 10_000;
const INT24_MIN = -(2n ** 23n);
const INT24_MAX = 2n ** 23n - 1n;
const UINT160_MAX = (1n << 160n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;
const UINT112_MAX = (1n << 112n) - 1n;

/**
 * The token transfers of `logs` alone (ERC-20/721 Transfer, ERC-1155 TransferSingle/Batch), as decodeLogs gives
 * them: for a reader that needs nothing else (an ethereum-etl export), without decoding swaps, approvals and the
 * rest. Logs of the wrong shape are left out, as there.
 */
export function decodeTokenTransfers(logs: readonly Log[]): TokenTransfer[] {
  const out: TokenTransfer[] = [];
  for (const log of logs) {
    const topic0 = log.topics[0];
    if (topic0 === undefined) continue;
    switch (topic0.toLowerCase()) {
      case EventTopics.Transfer:
        decodeTransfer(log, out);
        break;
      case EventTopics.TransferSingle:
        decodeTransferSingle(log, out);
        break;
      case EventTopics.TransferBatch:
        decodeTransferBatch(log, out);
        break;
    }
  }
  return out;
}

/**
 * Decodes every known event of `logs` in one pass. Never throws on log content: a log with a known topic0 but the
 * wrong shape (data length, topic count, out-of-range values) is skipped and counted in `skipped`.
 */
export function decodeLogs(logs: readonly Log[]): DecodedLogs {
  const out: DecodedLogs = {
    tokenTransfers: [],
    approvals: [],
    wethEvents: [],
    swaps: [],
    syncs: [],
    vaultEvents: [],
    skipped: {},
    skippedTotal: 0,
  };
  const skip = (reason: SkipReason) => {
    out.skipped[reason] = (out.skipped[reason] ?? 0) + 1;
    out.skippedTotal += 1;
  };
  for (const log of logs) {
    const topics = log.topics;
    const topic0 = topics[0];
    if (topic0 === undefined) continue;
    switch (topic0.toLowerCase()) {
      case EventTopics.Transfer:
        if (!decodeTransfer(log, out.tokenTransfers)) skip("transfer");
        break;
      case EventTopics.TransferSingle:
        if (!decodeTransferSingle(log, out.tokenTransfers)) skip("transferSingle");
        break;
      case EventTopics.TransferBatch:
        if (!decodeTransferBatch(log, out.tokenTransfers)) skip("transferBatch");
        break;
      case EventTopics.Approval:
        if (!decodeApproval(log, out.approvals)) skip("approval");
        break;
      case EventTopics.ApprovalForAll:
        if (!decodeApprovalForAll(log, out.approvals)) skip("approvalForAll");
        break;
      case EventTopics.Deposit:
        if (!decodeWeth(log, "deposit", out.wethEvents)) skip("weth");
        break;
      case EventTopics.Withdrawal:
        if (!decodeWeth(log, "withdrawal", out.wethEvents)) skip("weth");
        break;
      case EventTopics.SwapV2:
        if (!decodeSwapV2(log, out.swaps)) skip("swapV2");
        break;
      case EventTopics.SyncV2:
        if (!decodeSyncV2(log, out.syncs)) skip("syncV2");
        break;
      case EventTopics.SwapV3:
        if (!decodeSwapV3(log, out.swaps)) skip("swapV3");
        break;
      case EventTopics.VaultDeposit:
        if (!decodeVaultDeposit(log, out.vaultEvents)) skip("vaultDeposit");
        break;
      case EventTopics.VaultWithdraw:
        if (!decodeVaultWithdraw(log, out.vaultEvents)) skip("vaultWithdraw");
        break;
    }
  }
  return out;
}

function location(log: Log): EventLocation {
  return {
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
  };
}

function topicsValid(topics: readonly string[]): boolean {
  for (const t of topics) if (!isTopic(t)) return false;
  return true;
}

/**
 * ERC-20 / ERC-721 Transfer, following ethereum-etl: the topics after topic0 plus the data words must make exactly
 * three values (from, to, value-or-id). Three topics + one data word is ERC-20; four topics + no data is ERC-721.
 * Other splits (e.g. early tokens that index nothing) are kept as ERC-20-shaped rows, as ethereum-etl keeps them.
 */
function decodeTransfer(log: Log, out: TokenTransfer[]): boolean {
  const { topics, data } = log;
  const n = wordCount(data);
  if (n < 0 || topics.length - 1 + n !== 3 || !topicsValid(topics)) return false;
  const words: string[] = [];
  for (let i = 1; i < topics.length; i++) words.push(topicWord(topics[i] as string));
  for (let i = 0; i < n; i++) words.push(word(data, i));
  const isNft = topics.length === 4;
  const amount = wordToUint(words[2] as string);
  out.push({
    standard: isNft ? "erc721" : "erc20",
    token: log.address.toLowerCase(),
    from: wordToAddress(words[0] as string),
    to: wordToAddress(words[1] as string),
    value: isNft ? "1" : amount,
    tokenId: isNft ? amount : null,
    operator: null,
    ...location(log),
    batchIndex: 0,
  });
  return true;
}

/** TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value) */
function decodeTransferSingle(log: Log, out: TokenTransfer[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 4 || wordCount(data) !== 2 || !topicsValid(topics)) return false;
  out.push({
    standard: "erc1155",
    token: log.address.toLowerCase(),
    from: wordToAddress(topicWord(topics[2] as string)),
    to: wordToAddress(topicWord(topics[3] as string)),
    value: wordToUint(word(data, 1)),
    tokenId: wordToUint(word(data, 0)),
    operator: wordToAddress(topicWord(topics[1] as string)),
    ...location(log),
    batchIndex: 0,
  });
  return true;
}

/** Reads a uint256[] at a head offset; null when the offset or length points outside the data. */
function readArray(data: string, words: number, headIndex: number): string[] | null {
  const offset = wordToBigInt(word(data, headIndex));
  if (offset % 32n !== 0n || offset / 32n >= BigInt(words)) return null;
  const start = Number(offset / 32n);
  const length = wordToBigInt(word(data, start));
  if (length > BigInt(MAX_BATCH) || start + 1 + Number(length) > words) return null;
  const values: string[] = [];
  for (let i = 0; i < Number(length); i++) values.push(wordToUint(word(data, start + 1 + i)));
  return values;
}

/** TransferBatch(operator, from, to indexed; uint256[] ids, uint256[] values): one row per pair, batchIndex = i. */
function decodeTransferBatch(log: Log, out: TokenTransfer[]): boolean {
  const { topics, data } = log;
  const n = wordCount(data);
  if (topics.length !== 4 || n < 4 || !topicsValid(topics)) return false;
  const ids = readArray(data, n, 0);
  const values = readArray(data, n, 1);
  if (!ids || !values || ids.length !== values.length) return false;
  const operator = wordToAddress(topicWord(topics[1] as string));
  const from = wordToAddress(topicWord(topics[2] as string));
  const to = wordToAddress(topicWord(topics[3] as string));
  const token = log.address.toLowerCase();
  const at = location(log);
  for (let i = 0; i < ids.length; i++) {
    out.push({
      standard: "erc1155",
      token,
      from,
      to,
      value: values[i] as string,
      tokenId: ids[i] as string,
      operator,
      ...at,
      batchIndex: i,
    });
  }
  return true;
}

function decodeApproval(log: Log, out: Approval[]): boolean {
  const { topics, data } = log;
  const n = wordCount(data);
  if (!topicsValid(topics)) return false;
  const base = {
    token: log.address.toLowerCase(),
    owner: wordToAddress(topicWord(topics[1] ?? "")),
    spender: wordToAddress(topicWord(topics[2] ?? "")),
    approved: null,
    ...location(log),
  };
  if (topics.length === 3 && n === 1) {
    out.push({ kind: "erc20", ...base, value: wordToUint(word(data, 0)), tokenId: null });
    return true;
  }
  if (topics.length === 4 && n === 0) {
    out.push({ kind: "erc721", ...base, value: null, tokenId: wordToUint(topicWord(topics[3] as string)) });
    return true;
  }
  return false;
}

/** ApprovalForAll(address indexed owner, address indexed operator, bool approved): ERC-721 and ERC-1155. */
function decodeApprovalForAll(log: Log, out: Approval[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 3 || wordCount(data) !== 1 || !topicsValid(topics)) return false;
  const flag = wordToBigInt(word(data, 0));
  if (flag > 1n) return false;
  out.push({
    kind: "operator",
    token: log.address.toLowerCase(),
    owner: wordToAddress(topicWord(topics[1] as string)),
    spender: wordToAddress(topicWord(topics[2] as string)),
    value: null,
    tokenId: null,
    approved: flag === 1n,
    ...location(log),
  });
  return true;
}

/** WETH9 Deposit(address indexed dst, uint wad) / Withdrawal(address indexed src, uint wad). */
function decodeWeth(log: Log, kind: WethEvent["kind"], out: WethEvent[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 2 || wordCount(data) !== 1 || !topicsValid(topics)) return false;
  out.push({
    kind,
    token: log.address.toLowerCase(),
    account: wordToAddress(topicWord(topics[1] as string)),
    value: wordToUint(word(data, 0)),
    ...location(log),
  });
  return true;
}

/** Swap(address indexed sender, uint amount0In, uint amount1In, uint amount0Out, uint amount1Out, address indexed to) */
function decodeSwapV2(log: Log, out: DecodedSwap[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 3 || wordCount(data) !== 4 || !topicsValid(topics)) return false;
  const amount0 = wordToBigInt(word(data, 0)) - wordToBigInt(word(data, 2));
  const amount1 = wordToBigInt(word(data, 1)) - wordToBigInt(word(data, 3));
  out.push({
    protocol: "uniswap-v2",
    pool: log.address.toLowerCase(),
    sender: wordToAddress(topicWord(topics[1] as string)),
    recipient: wordToAddress(topicWord(topics[2] as string)),
    amount0: amount0.toString(10),
    amount1: amount1.toString(10),
    sqrtPriceX96: null,
    liquidity: null,
    tick: null,
    ...location(log),
  });
  return true;
}

/** Sync(uint112 reserve0, uint112 reserve1): the pair's reserves after every change, the V2 price source. */
function decodeSyncV2(log: Log, out: PairSync[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 1 || wordCount(data) !== 2) return false;
  const reserve0 = wordToBigInt(word(data, 0));
  const reserve1 = wordToBigInt(word(data, 1));
  if (reserve0 > UINT112_MAX || reserve1 > UINT112_MAX) return false;
  out.push({
    pool: log.address.toLowerCase(),
    reserve0: reserve0.toString(),
    reserve1: reserve1.toString(),
    ...location(log),
  });
  return true;
}

/** Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160, uint128, int24) */
function decodeSwapV3(log: Log, out: DecodedSwap[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 3 || wordCount(data) !== 5 || !topicsValid(topics)) return false;
  const sqrtPriceX96 = wordToBigInt(word(data, 2));
  const liquidity = wordToBigInt(word(data, 3));
  const tick = wordToInt(word(data, 4));
  if (sqrtPriceX96 > UINT160_MAX || liquidity > UINT128_MAX || tick < INT24_MIN || tick > INT24_MAX)
    return false;
  out.push({
    protocol: "uniswap-v3",
    pool: log.address.toLowerCase(),
    sender: wordToAddress(topicWord(topics[1] as string)),
    recipient: wordToAddress(topicWord(topics[2] as string)),
    amount0: wordToInt(word(data, 0)).toString(10),
    amount1: wordToInt(word(data, 1)).toString(10),
    sqrtPriceX96: sqrtPriceX96.toString(10),
    liquidity: liquidity.toString(10),
    tick: Number(tick),
    ...location(log),
  });
  return true;
}

/** ERC-4626 Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares) */
function decodeVaultDeposit(log: Log, out: VaultEvent[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 3 || wordCount(data) !== 2 || !topicsValid(topics)) return false;
  out.push({
    kind: "deposit",
    vault: log.address.toLowerCase(),
    sender: wordToAddress(topicWord(topics[1] as string)),
    owner: wordToAddress(topicWord(topics[2] as string)),
    receiver: null,
    assets: wordToUint(word(data, 0)),
    shares: wordToUint(word(data, 1)),
    ...location(log),
  });
  return true;
}

/** ERC-4626 Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares) */
function decodeVaultWithdraw(log: Log, out: VaultEvent[]): boolean {
  const { topics, data } = log;
  if (topics.length !== 4 || wordCount(data) !== 2 || !topicsValid(topics)) return false;
  out.push({
    kind: "withdraw",
    vault: log.address.toLowerCase(),
    sender: wordToAddress(topicWord(topics[1] as string)),
    receiver: wordToAddress(topicWord(topics[2] as string)),
    owner: wordToAddress(topicWord(topics[3] as string)),
    assets: wordToUint(word(data, 0)),
    shares: wordToUint(word(data, 1)),
    ...location(log),
  });
  return true;
}
