import {
  type BlockEnvelope,
  blockFromRpc,
  InvalidRpcAnswerError,
  receiptsFromRpc,
  type Transaction,
} from "@chainlog/tx-schema";
import { permanentKind } from "./classify.ts";
import { BlockNotFoundError } from "./errors.ts";
import type { RpcOutcome } from "./json-rpc.ts";
import type { EndpointClient, RpcPool } from "./rpc-pool.ts";
import type { RpcCall } from "./rpc-schema.ts";

export interface FetchedBlocks {
  envelopes: BlockEnvelope[];
  /** The endpoint that answered: charged if a later check proves the answer wrong. */
  endpoint: string;
}

/** The feature a node without eth_getBlockReceipts lacks: its receipts come one transaction at a time. */
export const BLOCK_RECEIPTS = "eth_getBlockReceipts";

const ZERO_HASH = `0x${"0".repeat(64)}`;
const hex = (n: number) => `0x${n.toString(16)}` as const;

function unwrap(outcome: RpcOutcome): unknown {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

async function perTxReceipts(client: EndpointClient, txs: Transaction[]): Promise<unknown[]> {
  if (txs.length === 0) return [];
  const out = await client.batch(
    txs.map((t) => ({ method: "eth_getTransactionReceipt", params: [t.hash as `0x${string}`] }) as RpcCall),
  );
  return out.map(unwrap);
}

/**
 * Fetches blocks [from, to] with their receipts from ONE endpoint in one batch (so the answers agree with each
 * other), and validates everything: schemas, tx/receipt alignment, logs, and parent-hash linkage inside the
 * range. Any inconsistency is an InvalidRpcAnswerError, so the pool charges the endpoint and asks another. An
 * endpoint without eth_getBlockReceipts (a permanent answer) gets per-transaction receipts, and the pool
 * remembers it until the feature is probed again.
 */
export async function fetchBlocks(
  pool: RpcPool,
  chainId: number,
  from: number,
  to: number,
): Promise<FetchedBlocks> {
  return pool.withEndpoint(
    async (client) => {
      const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const off = client.endpoint.features.get(BLOCK_RECEIPTS);
      const useBlockReceipts = !off || Date.now() >= off.until;
      const calls: RpcCall[] = numbers.map((n) => ({
        method: "eth_getBlockByNumber",
        params: [hex(n), true],
      }));
      if (useBlockReceipts)
        calls.push(...numbers.map((n): RpcCall => ({ method: "eth_getBlockReceipts", params: [hex(n)] })));
      const out = await client.batch(calls);
      const envelopes: BlockEnvelope[] = [];
      for (const [i, n] of numbers.entries()) {
        const raw = unwrap(out[i]!);
        if (raw === null) throw new BlockNotFoundError(n);
        const { block, transactions } = blockFromRpc(raw);
        if (block.number !== n)
          throw new InvalidRpcAnswerError(
            "eth_getBlockByNumber",
            `asked for block ${n}, got ${block.number}`,
          );
        if (n === 0 && block.parentHash !== ZERO_HASH)
          throw new InvalidRpcAnswerError("eth_getBlockByNumber", "genesis block with a parent");
        const prev = envelopes[envelopes.length - 1];
        if (prev && block.parentHash !== prev.block.hash)
          throw new InvalidRpcAnswerError(
            "eth_getBlockByNumber",
            `block ${n} does not link to block ${n - 1}`,
          );
        let rawReceipts: unknown;
        let method = "eth_getBlockReceipts";
        const receiptsOutcome = useBlockReceipts ? out[numbers.length + i]! : undefined;
        if (receiptsOutcome && (receiptsOutcome.ok || permanentKind(receiptsOutcome.error) !== "unsupported"))
          rawReceipts = unwrap(receiptsOutcome);
        else {
          if (receiptsOutcome && !receiptsOutcome.ok)
            pool.featureOff(client.label, BLOCK_RECEIPTS, receiptsOutcome.error.message);
          method = "eth_getTransactionReceipt";
          rawReceipts = await perTxReceipts(client, transactions);
        }
        if (rawReceipts === null) throw new BlockNotFoundError(n);
        const { receipts, logs } = receiptsFromRpc(rawReceipts, block, transactions, method);
        envelopes.push({ kind: "block", chainId, block, transactions, receipts, logs });
      }
      return { envelopes, endpoint: client.label };
    },
    { minHead: to },
  );
}
