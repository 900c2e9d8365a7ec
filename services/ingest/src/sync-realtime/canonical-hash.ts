import type { RpcPool } from "@chainlog/rpc";
import { InvalidRpcAnswerError } from "@chainlog/tx-schema";

export const HASH = /^0x[0-9a-f]{64}$/;

/**
 * The node's canonical hash at height `n`, from an endpoint that has reached it (and not `avoid`, the one whose
 * answer is being checked); null when no endpoint has the block.
 */
export async function canonicalHash(pool: RpcPool, n: number, avoid?: string): Promise<string | null> {
  const b = await pool.request("eth_getBlockByNumber", [`0x${n.toString(16)}`, false], { minHead: n, avoid });
  if (b === null) return null;
  if (typeof b?.hash !== "string" || !HASH.test(b.hash))
    throw new InvalidRpcAnswerError("eth_getBlockByNumber", "header without a valid hash");
  return b.hash;
}
