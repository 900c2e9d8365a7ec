import type { RpcPool } from "@chainlog/rpc";

/** The first block whose timestamp is at or after `timestamp` (binary search over the node's blocks). */
export async function blockAtTimestamp(pool: RpcPool, timestamp: number, head: number): Promise<number> {
  const ts = async (n: number) => {
    const b = await pool.request("eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
    if (!b) throw new Error(`block ${n} missing while resolving INGEST_SINCE`);
    return Number(BigInt(b.timestamp));
  };
  let lo = 0;
  let hi = head;
  if ((await ts(hi)) < timestamp) return head + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await ts(mid)) >= timestamp) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
