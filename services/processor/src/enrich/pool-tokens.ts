import type { RpcCall, RpcOutcome, RpcPool } from "@chainlog/rpc";

export interface PoolTokens {
  token0: string;
  token1: string;
}

const TOKEN0 = "0x0dfe1681";
const TOKEN1 = "0xd21220a7";

function addressResult(a: RpcOutcome | undefined): string | null {
  if (!a?.ok || typeof a.value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(a.value)) return null;
  if (!/^0x0{24}/.test(a.value)) return null; // not an ABI-encoded address
  return `0x${a.value.slice(26).toLowerCase()}`;
}

/**
 * token0()/token1() of Uniswap-style pools (V2 and V3 share them), batched and cached for the life of the process:
 * a pool's tokens never change. A contract whose calls revert is cached as "not a pool" (null). Read at "latest",
 * since old state may be pruned and the answer does not depend on the block. Throws NoHealthyEndpointError
 * (nothing cached) when no endpoint answers.
 */
export function createPoolTokenReader(rpc: Pick<RpcPool, "batch">, cacheSize = 100_000) {
  const cache = new Map<string, PoolTokens | null>();
  return {
    async get(pools: Iterable<string>): Promise<Map<string, PoolTokens | null>> {
      const out = new Map<string, PoolTokens | null>();
      const missing: string[] = [];
      for (const raw of new Set([...pools].map((p) => p.toLowerCase()))) {
        const hit = cache.get(raw);
        if (hit !== undefined) out.set(raw, hit);
        else missing.push(raw);
      }
      if (missing.length === 0) return out;
      const answers = await rpc.batch(
        missing.flatMap((to) =>
          [TOKEN0, TOKEN1].map(
            (data): RpcCall => ({
              method: "eth_call",
              params: [{ to: to as `0x${string}`, data: data as `0x${string}` }, "latest"],
            }),
          ),
        ),
      );
      missing.forEach((pool, i) => {
        const token0 = addressResult(answers[2 * i]);
        const token1 = addressResult(answers[2 * i + 1]);
        const tokens = token0 && token1 ? { token0, token1 } : null;
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(pool, tokens);
        out.set(pool, tokens);
      });
      return out;
    },
  };
}

export type PoolTokenReader = ReturnType<typeof createPoolTokenReader>;
