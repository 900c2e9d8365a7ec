import type { ReadModel } from "@chainlog/ports";
import { type RpcPool, RpcResponseError } from "@chainlog/rpc";
import { type Block, type InternalTransaction, NATIVE_ASSET, type TokenStandard } from "@chainlog/tx-schema";
import { type EtherscanEnvelope, EtherscanError, MESSAGES, none, ok } from "./envelope.ts";
import {
  address,
  blockBound,
  decimal,
  type EtherscanQuery,
  optionalAddress,
  paging,
  txHash,
} from "./params.ts";
import {
  createRowContext,
  internalRow,
  type RowCache,
  type TokenListKind,
  tokenRow,
  txlistRow,
} from "./rows.ts";
import { pageOfRange } from "./scan.ts";

export interface EtherscanDeps {
  store: ReadModel;
  /** The node pool: balances, the proxy module and logs are read from the node, like Etherscan's. */
  rpc: RpcPool | null;
  /** Receipts and block times of rows, kept across answers. */
  rows?: RowCache;
  /** The newest stored block, when this request read it already (the answer cache keys by it). */
  newest?: Block | null;
}

type Answer = EtherscanEnvelope | JsonRpcReply;
interface JsonRpcReply {
  jsonrpc: "2.0";
  id: number | string;
  result?: unknown;
  error?: { code: number; message: string };
}

const MAX_BLOCK = 999_999_999_999_999;
const MAX_ADDRESSES = 20;
const MAX_LOGS = 1000;

function node(deps: EtherscanDeps): RpcPool {
  if (!deps.rpc) throw new EtherscanError("Error! No node is configured for this Chainlog API (ETH_RPC_URL)");
  return deps.rpc;
}

/** The node's own error text without the pool's "method: code" prefix. */
function nodeMessage(error: RpcResponseError): string {
  return error.message.replace(/^[\w]+: -?\d+ /, "");
}

/** Node failures as Etherscan words them; anything but a node's own answer stays out of the response. */
async function askNode<T>(deps: EtherscanDeps, method: string, params: unknown[]): Promise<T> {
  try {
    return (await node(deps).request(method as "eth_chainId", params as [])) as T;
  } catch (error) {
    if (error instanceof EtherscanError) throw error;
    if (error instanceof RpcResponseError) throw new EtherscanError(`Error! ${nodeMessage(error)}`);
    throw new EtherscanError("Error! The node did not answer; try again");
  }
}

const hexQuantity = (n: number | bigint) => `0x${n.toString(16)}`;
const TAG_RE = /^(latest|earliest|pending|safe|finalized|0x(0|[1-9a-fA-F][0-9a-fA-F]{0,15}))$/;

async function latestStored(deps: EtherscanDeps): Promise<number> {
  const newest = deps.newest !== undefined ? deps.newest : await deps.store.getLatestBlock();
  return newest?.number ?? 0;
}

// ---- account --------------------------------------------------------------------------------------------

async function balance(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const a = address(q.address);
  const tag = q.tag || "latest";
  if (!TAG_RE.test(tag)) throw new EtherscanError("Error! Invalid tag");
  const wei = await askNode<string>(deps, "eth_getBalance", [a, tag]);
  return ok(BigInt(wei).toString());
}

async function balanceMulti(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const list = (q.address ?? "").split(",").filter((s) => s.length > 0);
  if (list.length === 0) throw new EtherscanError(MESSAGES.address);
  if (list.length > MAX_ADDRESSES)
    throw new EtherscanError(`Error! Maximum of ${MAX_ADDRESSES} addresses per call`);
  const addresses = list.map((s) => address(s));
  const tag = q.tag || "latest";
  if (!TAG_RE.test(tag)) throw new EtherscanError("Error! Invalid tag");
  const balances = await Promise.all(addresses.map((a) => askNode<string>(deps, "eth_getBalance", [a, tag])));
  return ok(addresses.map((account, i) => ({ account, balance: BigInt(balances[i]!).toString() })));
}

function blockRange(q: EtherscanQuery) {
  const fromBlock = decimal(q.startblock, "startblock", 0);
  const toBlock = decimal(q.endblock, "endblock", MAX_BLOCK);
  return { fromBlock, toBlock };
}

async function txlist(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const a = address(q.address);
  const range = blockRange(q);
  const page = paging(q);
  const txs = await pageOfRange((p) => deps.store.getAddressTransactions(a, p), range, page);
  if (txs.length === 0) return none("No transactions found");
  const ctx = createRowContext(deps.store, await latestStored(deps), deps.rows);
  await ctx.load(
    txs.map((tx) => tx.blockHash),
    txs.map((tx) => ({ hash: tx.hash, blockHash: tx.blockHash })),
  );
  return ok(txs.map((tx) => txlistRow(tx, ctx)));
}

/** Why an empty internal list may not mean "none": the newest block's traces were not read (no tracer, or off). */
async function tracesOff(store: ReadModel): Promise<boolean> {
  const latest = await store.getLatestBlock();
  if (!latest) return false;
  return (await store.getEnrichment([latest.hash])).get(latest.hash)?.traces === "off";
}

async function txlistInternal(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const hash = q.txhash ? txHash(q.txhash) : null;
  const a = hash ? null : address(q.address);
  const range = blockRange(q);
  const page = paging(q);
  let frames: InternalTransaction[];
  if (hash) {
    const all = (await deps.store.getTransaction(hash))?.internalTransactions ?? [];
    const ordered = page.sort === "desc" ? [...all].reverse() : all;
    frames = ordered.slice(page.skip, page.skip + page.offset);
  } else frames = await pageOfRange((p) => deps.store.getAddressInternalTransactions(a!, p), range, page);
  if (frames.length === 0) {
    // Honest rather than empty: "No transactions found" would claim there were none.
    if (await tracesOff(deps.store))
      throw new EtherscanError("Error! Internal transactions are not indexed: the node has no call tracer");
    return none("No transactions found");
  }
  const ctx = createRowContext(deps.store, await latestStored(deps), deps.rows);
  await ctx.load(frames.map((f) => f.blockHash));
  return ok(frames.map((f) => internalRow(f, ctx)));
}

const STANDARD: Record<TokenListKind, TokenStandard> = {
  tokentx: "erc20",
  tokennfttx: "erc721",
  token1155tx: "erc1155",
};

function tokenList(kind: TokenListKind) {
  return async (deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> => {
    const a = optionalAddress(q.address, MESSAGES.address);
    const contract = optionalAddress(q.contractaddress, MESSAGES.contractAddress);
    if (!a && !contract) throw new EtherscanError(MESSAGES.address);
    const range = blockRange(q);
    const page = paging(q);
    const standard = STANDARD[kind];
    const rows = await pageOfRange(
      (p) => (a ? deps.store.getAddressTokenTransfers(a, p) : deps.store.getTokenTransfers(contract!, p)),
      range,
      page,
      (t) => t.standard === standard && (contract === null || t.token === contract),
    );
    if (rows.length === 0) return none("No transactions found");
    const tokens = await deps.store.getTokens([...new Set(rows.map((t) => t.token))]);
    const ctx = createRowContext(deps.store, await latestStored(deps), deps.rows);
    await ctx.load(
      rows.map((t) => t.blockHash),
      rows.map((t) => ({ hash: t.transactionHash, blockHash: t.blockHash })),
    );
    return ok(rows.map((t) => tokenRow(kind, t, tokens.get(t.token), ctx)));
  };
}

// ---- block, transaction, stats ---------------------------------------------------------------------------

/** The stored block at `n`, or the next stored one above it (the store may have gaps). */
async function blockAtOrAfter(store: ReadModel, n: number) {
  const exact = await store.getBlockByNumber(n);
  if (exact) return exact;
  const next = (await store.getHeights(n, 1))[0];
  return next ? store.getBlockByNumber(next.number) : null;
}

async function blockNoByTime(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  if (q.timestamp === undefined || q.timestamp === "") throw new EtherscanError("Error! Invalid timestamp");
  const ts = decimal(q.timestamp, "timestamp", 0);
  const closest = q.closest || "before";
  if (closest !== "before" && closest !== "after")
    throw new EtherscanError("Error! Invalid closest value (before or after)");
  const lowest = (await deps.store.getHeights(0, 1))[0];
  const latest = await deps.store.getLatestBlock();
  if (!lowest || !latest) throw new EtherscanError("Error! No closest block found");
  // Smallest n whose stored block (at or after n) is past the time: block timestamps only grow.
  const past = async (n: number) => {
    const b = await blockAtOrAfter(deps.store, n);
    return b === null || (closest === "after" ? b.timestamp >= ts : b.timestamp > ts);
  };
  let lo = lowest.number;
  let hi = latest.number + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await past(mid)) hi = mid;
    else lo = mid + 1;
  }
  if (closest === "after") {
    const b = lo <= latest.number ? await blockAtOrAfter(deps.store, lo) : null;
    if (!b) throw new EtherscanError("Error! No closest block found");
    return ok(String(b.number));
  }
  if (lo === lowest.number) throw new EtherscanError("Error! No closest block found");
  const b = await blockAtOrAfter(deps.store, lo - 1);
  if (!b) throw new EtherscanError("Error! No closest block found");
  return ok(String(b.number));
}

async function receiptStatus(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const hash = txHash(q.txhash);
  const detail = await deps.store.getTransaction(hash);
  let status = detail?.receipt?.status;
  if (!detail && deps.rpc) {
    // Not indexed (yet): the node knows, as Etherscan's would.
    const receipt = await askNode<{ status?: string } | null>(deps, "eth_getTransactionReceipt", [hash]);
    status = receipt?.status === undefined ? null : (Number(receipt.status) as 0 | 1);
  }
  return ok({ status: status === null || status === undefined ? "" : String(status) });
}

async function ethPrice(deps: EtherscanDeps): Promise<Answer> {
  const usd = (await deps.store.getLatestPrices([NATIVE_ASSET], "USD")).get(NATIVE_ASSET);
  if (!usd) throw new EtherscanError("Error! No ETH price indexed yet");
  // Chainlog prices against USD stablecoins only: no BTC quote.
  return ok({
    ethbtc: "",
    ethbtc_timestamp: "",
    ethusd: String(usd.price),
    ethusd_timestamp: String(usd.timestamp),
  });
}

// ---- logs -------------------------------------------------------------------------------------------------

const TOPIC_RE = /^0x[0-9a-fA-F]{64}$/;
const PAIRS = ["0_1", "0_2", "0_3", "1_2", "1_3", "2_3"] as const;

interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

async function getLogs(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const a = optionalAddress(q.address, MESSAGES.address);
  const topics: (string | null)[] = [0, 1, 2, 3].map((i) => {
    const t = q[`topic${i}`];
    if (t === undefined || t === "") return null;
    if (!TOPIC_RE.test(t)) throw new EtherscanError(`Error! Invalid topic${i}`);
    return t.toLowerCase();
  });
  if (!a && topics.every((t) => t === null)) throw new EtherscanError(MESSAGES.address);
  const oprs = new Map<string, "and" | "or">();
  for (const pair of PAIRS) {
    const v = q[`topic${pair}_opr`];
    if (v === undefined || v === "") continue;
    if (v !== "and" && v !== "or") throw new EtherscanError(`Error! Invalid topic${pair}_opr (and or or)`);
    oprs.set(pair, v);
  }
  const head = await askNode<string>(deps, "eth_blockNumber", []);
  const latest = Number(head);
  const fromBlock = blockBound(q.fromBlock, "fromBlock", latest, 0);
  const toBlock = blockBound(q.toBlock, "toBlock", latest, latest);
  const page = paging({ page: q.page, offset: q.offset, sort: "asc" }, MAX_LOGS);
  if (fromBlock > toBlock) return none("No records found");
  const given = topics.flatMap((t, i) => (t === null ? [] : [i]));
  const anyOr = [...oprs.values()].includes("or");
  // eth_getLogs can only AND positions: with an "or", ask once per topic and combine here.
  const filters = anyOr ? given.map((i) => topics.map((t, j) => (j === i ? t : null))) : [topics];
  const found = new Map<string, RpcLog>();
  for (const f of filters) {
    const trimmed = [...f];
    while (trimmed.length && trimmed[trimmed.length - 1] === null) trimmed.pop();
    const logs = await askNode<RpcLog[]>(deps, "eth_getLogs", [
      {
        fromBlock: hexQuantity(fromBlock),
        toBlock: hexQuantity(toBlock),
        ...(a ? { address: a } : {}),
        ...(trimmed.length ? { topics: trimmed } : {}),
      },
    ]);
    for (const log of logs) found.set(`${log.blockHash}:${log.logIndex}`, log);
  }
  const matches = (log: RpcLog) => {
    const hit = (i: number) => log.topics[i]?.toLowerCase() === topics[i];
    if (given.length === 1) return hit(given[0]!);
    // Every pair of given topics holds with its operator (and unless said otherwise).
    for (let x = 0; x < given.length; x++)
      for (let y = x + 1; y < given.length; y++) {
        const [i, j] = [given[x]!, given[y]!];
        const opr = oprs.get(`${i}_${j}`) ?? "and";
        if (opr === "and" ? !(hit(i) && hit(j)) : !(hit(i) || hit(j))) return false;
      }
    return true;
  };
  const logs = [...found.values()]
    .filter((l) => !l.removed && (given.length === 0 || matches(l)))
    .sort((x, y) => Number(x.blockNumber) - Number(y.blockNumber) || Number(x.logIndex) - Number(y.logIndex))
    .slice(page.skip, page.skip + page.offset);
  if (logs.length === 0) return none("No records found");
  return ok(await Promise.all(logs.map((l) => logRow(deps, l))));
}

/** Etherscan's log row: the node's log plus block time and the transaction's gas, all 0x-hex. */
async function logRow(deps: EtherscanDeps, log: RpcLog) {
  const detail = await deps.store.getTransaction(log.transactionHash.toLowerCase());
  let timestamp: number | null = null;
  let gasPrice: string | null = detail?.receipt?.effectiveGasPrice ?? detail?.transaction.gasPrice ?? null;
  let gasUsed: string | null = detail?.receipt?.gasUsed ?? null;
  const block = await deps.store.getBlockByNumber(Number(log.blockNumber));
  if (block && block.hash === log.blockHash.toLowerCase()) timestamp = block.timestamp;
  if (timestamp === null)
    timestamp = Number(
      (await askNode<{ timestamp: string } | null>(deps, "eth_getBlockByNumber", [log.blockNumber, false]))
        ?.timestamp ?? 0,
    );
  if (gasUsed === null) {
    const r = await askNode<{ gasUsed: string; effectiveGasPrice?: string } | null>(
      deps,
      "eth_getTransactionReceipt",
      [log.transactionHash],
    );
    gasUsed = r ? BigInt(r.gasUsed).toString() : null;
    gasPrice = r?.effectiveGasPrice ? BigInt(r.effectiveGasPrice).toString() : gasPrice;
  }
  const hex = (v: string | null) => (v === null ? "0x" : hexQuantity(BigInt(v)));
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    timeStamp: hexQuantity(timestamp),
    gasPrice: hex(gasPrice),
    gasUsed: hex(gasUsed),
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
  };
}

// ---- proxy -------------------------------------------------------------------------------------------------

const HEX_DATA_RE = /^0x([0-9a-fA-F]{2})*$/;
const QUANTITY_RE = /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})$/;

class ProxyParamError extends Error {}

function proxyParam(q: EtherscanQuery, name: string, re: RegExp, fallback?: string): string {
  const v = q[name] === undefined || q[name] === "" ? fallback : q[name];
  if (v === undefined || !re.test(v))
    throw new ProxyParamError(`invalid argument: '${name}' is missing or malformed`);
  return v;
}

/** The read-only node methods Etherscan's proxy module offers, as JSON-RPC params from its query names. */
const PROXY: Record<string, (q: EtherscanQuery) => unknown[]> = {
  eth_blockNumber: () => [],
  eth_gasPrice: () => [],
  eth_getBlockByNumber: (q) => [
    proxyParam(q, "tag", TAG_RE),
    proxyParam(q, "boolean", /^(true|false)$/, "false") === "true",
  ],
  eth_getBlockTransactionCountByNumber: (q) => [proxyParam(q, "tag", TAG_RE)],
  eth_getTransactionByHash: (q) => [proxyParam(q, "txhash", TOPIC_RE)],
  eth_getTransactionReceipt: (q) => [proxyParam(q, "txhash", TOPIC_RE)],
  eth_getTransactionByBlockNumberAndIndex: (q) => [
    proxyParam(q, "tag", TAG_RE),
    proxyParam(q, "index", QUANTITY_RE),
  ],
  eth_getTransactionCount: (q) => [
    proxyParam(q, "address", /^0x[0-9a-fA-F]{40}$/),
    proxyParam(q, "tag", TAG_RE, "latest"),
  ],
  eth_getCode: (q) => [
    proxyParam(q, "address", /^0x[0-9a-fA-F]{40}$/),
    proxyParam(q, "tag", TAG_RE, "latest"),
  ],
  eth_getStorageAt: (q) => [
    proxyParam(q, "address", /^0x[0-9a-fA-F]{40}$/),
    proxyParam(q, "position", QUANTITY_RE),
    proxyParam(q, "tag", TAG_RE, "latest"),
  ],
  eth_call: (q) => [
    { to: proxyParam(q, "to", /^0x[0-9a-fA-F]{40}$/), data: proxyParam(q, "data", HEX_DATA_RE, "0x") },
    proxyParam(q, "tag", TAG_RE, "latest"),
  ],
  eth_estimateGas: (q) => [
    {
      to: proxyParam(q, "to", /^0x[0-9a-fA-F]{40}$/),
      data: proxyParam(q, "data", HEX_DATA_RE, "0x"),
      ...(q.value ? { value: proxyParam(q, "value", QUANTITY_RE) } : {}),
      ...(q.gas ? { gas: proxyParam(q, "gas", QUANTITY_RE) } : {}),
      ...(q.gasPrice ? { gasPrice: proxyParam(q, "gasPrice", QUANTITY_RE) } : {}),
    },
  ],
};

/** Every method the proxy module answers (the tests check each refuses malformed input). */
export const PROXY_METHODS = Object.keys(PROXY);

async function proxy(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  const method = q.action ?? "";
  const params = Object.hasOwn(PROXY, method) ? PROXY[method] : undefined;
  if (!params) throw new EtherscanError(MESSAGES.action);
  const id = /^[0-9]{1,15}$/.test(q.id ?? "") ? Number(q.id) : 1;
  try {
    return { jsonrpc: "2.0", id, result: await node(deps).request(method as "eth_chainId", params(q) as []) };
  } catch (error) {
    if (error instanceof ProxyParamError)
      return { jsonrpc: "2.0", id, error: { code: -32602, message: error.message } };
    if (error instanceof RpcResponseError)
      return { jsonrpc: "2.0", id, error: { code: error.code, message: nodeMessage(error) } };
    if (error instanceof EtherscanError) throw error;
    return { jsonrpc: "2.0", id, error: { code: -32000, message: "the node did not answer; try again" } };
  }
}

// ---- dispatch ---------------------------------------------------------------------------------------------

type Action = (deps: EtherscanDeps, q: EtherscanQuery) => Promise<Answer>;

export const MODULES: Record<string, Record<string, Action> | Action> = {
  account: {
    balance,
    balancemulti: balanceMulti,
    txlist,
    txlistinternal: txlistInternal,
    tokentx: tokenList("tokentx"),
    tokennfttx: tokenList("tokennfttx"),
    token1155tx: tokenList("token1155tx"),
  },
  block: { getblocknobytime: blockNoByTime },
  logs: { getLogs },
  transaction: { gettxreceiptstatus: receiptStatus },
  stats: { ethprice: (deps) => ethPrice(deps) },
  proxy,
};

/** Runs one Etherscan call; refusals come back as Etherscan's NOTOK envelope (HTTP 200), never thrown. */
export async function runEtherscan(deps: EtherscanDeps, q: EtherscanQuery): Promise<Answer> {
  try {
    const mod = Object.hasOwn(MODULES, q.module ?? "") ? MODULES[q.module!] : undefined;
    if (!mod) throw new EtherscanError(MESSAGES.module);
    if (typeof mod === "function") return await mod(deps, q);
    const action = Object.hasOwn(mod, q.action ?? "") ? mod[q.action!] : undefined;
    if (!action) throw new EtherscanError(MESSAGES.action);
    return await action(deps, q);
  } catch (error) {
    if (error instanceof EtherscanError) return { status: "0", message: "NOTOK", result: error.message };
    throw error;
  }
}
