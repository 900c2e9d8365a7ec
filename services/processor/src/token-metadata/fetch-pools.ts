import type { PoolInfo } from "../derive/dex-prices.ts";
import { rpcBatch } from "../rpc/json-rpc-batch.ts";
import type { TokenMetadataFetcher } from "./fetch-token-metadata.ts";

const TOKEN0 = "0x0dfe1681";
const TOKEN1 = "0xd21220a7";

function addressResult(a: { ok: boolean; result?: unknown } | undefined): string | null {
  if (!a?.ok || typeof a.result !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(a.result)) return null;
  if (!/^0x0{24}/.test(a.result)) return null; // not an ABI address
  return `0x${a.result.slice(26).toLowerCase()}`;
}

/**
 * token0()/token1() of Uniswap-style pools (V2 and V3 share them) and the tokens' decimals, batched. A pool whose
 * calls revert or whose tokens have no decimals is left out: its swaps cannot be priced.
 */
export async function fetchPools(
  rpcUrl: string,
  pools: string[],
  tokens: TokenMetadataFetcher,
): Promise<Map<string, PoolInfo>> {
  const unique = [...new Set(pools.map((p) => p.toLowerCase()))];
  const answers = await rpcBatch(
    rpcUrl,
    unique.flatMap((to) =>
      [TOKEN0, TOKEN1].map((data) => ({ method: "eth_call", params: [{ to, data }, "latest"] })),
    ),
  );
  const pairs = unique
    .map((pool, i) => ({
      pool,
      token0: addressResult(answers[2 * i]),
      token1: addressResult(answers[2 * i + 1]),
    }))
    .filter(
      (p): p is { pool: string; token0: string; token1: string } => p.token0 !== null && p.token1 !== null,
    );
  const meta = await tokens.get(pairs.flatMap((p) => [p.token0, p.token1]));
  const out = new Map<string, PoolInfo>();
  for (const p of pairs) {
    const decimals0 = meta.get(p.token0)?.decimals;
    const decimals1 = meta.get(p.token1)?.decimals;
    if (decimals0 == null || decimals1 == null) continue;
    out.set(p.pool, { token0: p.token0, token1: p.token1, decimals0, decimals1 });
  }
  return out;
}
