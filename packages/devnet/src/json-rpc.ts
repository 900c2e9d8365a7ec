import { retry } from "@chainlog/telemetry";
import { ChainlogError } from "@chainlog/tx-schema";
import { waitFor } from "./wait-for.ts";

/** A JSON-RPC error object the node answered. */
export class DevnetRpcError extends ChainlogError {
  override name = "DevnetRpcError";
}

/** Socket failures of a request that reached no handler: fetch reused a keep-alive connection the node had closed. */
const DROPPED = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

/**
 * POSTs a JSON-RPC body, trying again (twice at most) when the connection drops before an answer. fetch() may
 * send a request on a pooled connection that the other side is closing, and fails with "fetch failed"; a chain
 * driver 400 s into a test lost its run to one such drop.
 */
function post(url: string, body: string): Promise<Response> {
  return retry(() => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }), {
    attempts: 3,
    firstDelayMs: 50,
    maxDelayMs: 200,
    retryable: (error) =>
      error instanceof TypeError && DROPPED.has((error.cause as { code?: string } | undefined)?.code ?? ""),
  });
}

/** A bare JSON-RPC call: tests compare what the API serves with what the node itself answers. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await post(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new DevnetRpcError(`${method}: ${body.error.message}`);
  return body.result as T;
}

export async function rpcBatch<T = unknown>(url: string, calls: [string, unknown[]][]): Promise<T[]> {
  if (calls.length === 0) return [];
  const res = await post(
    url,
    JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }))),
  );
  const body = (await res.json()) as { id: number; result?: T; error?: { message: string } }[];
  const out: T[] = new Array(calls.length);
  for (const item of body) {
    if (item.error)
      throw new DevnetRpcError(
        `${calls[item.id]?.[0]}(${JSON.stringify(calls[item.id]?.[1])}): ${item.error.message}`,
      );
    out[item.id] = item.result as T;
  }
  return out;
}

/**
 * Sends a transaction from an unlocked account and returns its hash once the node's head holds its block. Anvil
 * answers eth_sendTransaction before that block is its head (30 times in 300 in one probe here): a test that
 * reads the head right after would otherwise take the chain one block short.
 */
export async function sendAndWaitForHead(
  url: string,
  tx: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<string> {
  const hash = await rpc<string>(url, "eth_sendTransaction", [tx]);
  await waitFor(
    `the node's head to hold transaction ${hash}`,
    async () => {
      const receipt = await rpc<{ blockNumber: string } | null>(url, "eth_getTransactionReceipt", [hash]);
      return receipt && BigInt(await rpc<string>(url, "eth_blockNumber")) >= BigInt(receipt.blockNumber);
    },
    timeoutMs,
    10,
  );
  return hash;
}
