import { type RpcCall, type RpcPool, RpcResponseError } from "@chainlog/rpc";
import { ApiError } from "../http/errors.ts";

/** The pool answers only calls it has a schema for; the relay and the faucet send what wallets send. */
export interface NodeAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

export class NoNodeError extends ApiError {
  override name = "NoNodeError";
  constructor() {
    super(503, "no_node", "no RPC endpoint is configured for this API (set ETH_RPC_URL)");
  }
}

/**
 * One call through the pool: transport failures fail over to another endpoint; a node's error answer comes back
 * as it is (asking again would not change a revert or a bad nonce).
 */
export async function callNode(pool: RpcPool, method: string, params: unknown[]): Promise<NodeAnswer> {
  const [out] = await pool.batch([{ method, params } as unknown as RpcCall], { retryForMs: 0 });
  if (!out) throw new ApiError(503, "node_unavailable", "the node gave no answer");
  if (out.ok) return { result: out.value };
  const e = out.error;
  return { error: { code: e instanceof RpcResponseError ? e.code : -32603, message: nodeMessage(e) } };
}

/** The node's own text without our "method: code" prefix. */
function nodeMessage(error: Error): string {
  return error instanceof RpcResponseError
    ? error.message.replace(/^[\w]+: -?\d+ /, "").slice(0, 500)
    : "the node failed";
}

/** The result, or an ApiError carrying the node's message. */
export async function nodeResult<T>(pool: RpcPool, method: string, params: unknown[]): Promise<T> {
  const answer = await callNode(pool, method, params);
  if (answer.error) throw new ApiError(502, "node_error", `${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** The node's chain id, asked once and kept (a node does not change chains). */
export function chainIdOf(pool: RpcPool): () => Promise<number> {
  let known: Promise<number> | undefined;
  return () => {
    known ??= nodeResult<string>(pool, "eth_chainId", []).then((hex) => Number(BigInt(hex)));
    known.catch(() => {
      known = undefined;
    });
    return known;
  };
}
