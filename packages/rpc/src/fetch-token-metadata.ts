import { decodeDecimalsResult, decodeStringResult, decodeUintResult } from "@chainlog/decoders";
import type { RpcOutcome } from "./json-rpc.ts";
import type { RpcPool } from "./rpc-pool.ts";
import type { RpcCall } from "./rpc-schema.ts";

export interface TokenMetadata {
  address: string;
  /** null when the call reverted or answered something unreadable. */
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  totalSupply: string | null;
  /** The block the calls were made at (null: the node's latest). */
  blockNumber: number | null;
}

const SELECTORS = {
  name: "0x06fdde03",
  symbol: "0x95d89b41",
  decimals: "0x313ce567",
  totalSupply: "0x18160ddd",
} as const;

export interface TokenMetadataFetcherOptions {
  pool: Pick<RpcPool, "batch">;
  /** Tokens per JSON-RPC batch (4 eth_calls each). Default 50. */
  batchSize?: number;
  /** Tokens kept in memory; least recently used are dropped first. Default 50,000. */
  cacheSize?: number;
}

/**
 * name/symbol/decimals/totalSupply by batched eth_call, cached per address. Non-standard tokens are expected:
 * a reverting or missing function gives null for that field, never an error. No endpoint answering does throw.
 */
export function createTokenMetadataFetcher(options: TokenMetadataFetcherOptions) {
  const batchSize = options.batchSize ?? 50;
  const cacheSize = options.cacheSize ?? 50_000;
  const cache = new Map<string, TokenMetadata>();
  let calls = 0;
  const { pool } = options;

  const remember = (m: TokenMetadata) => {
    cache.delete(m.address);
    cache.set(m.address, m);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };

  const text = (a: RpcOutcome | undefined) => (a?.ok && typeof a.value === "string" ? a.value : "0x");

  return {
    /** Metadata of every address (lower-cased), from the cache or the node. */
    async get(addresses: string[], blockNumber: number | null = null): Promise<Map<string, TokenMetadata>> {
      const out = new Map<string, TokenMetadata>();
      const missing: string[] = [];
      for (const raw of new Set(addresses.map((a) => a.toLowerCase()))) {
        const hit = cache.get(raw);
        if (hit) {
          remember(hit);
          out.set(raw, hit);
        } else missing.push(raw);
      }
      const tag = blockNumber === null ? "latest" : `0x${blockNumber.toString(16)}`;
      for (let i = 0; i < missing.length; i += batchSize) {
        const chunk = missing.slice(i, i + batchSize);
        const answers = await pool.batch(
          chunk.flatMap((to) =>
            Object.values(SELECTORS).map(
              (data): RpcCall => ({
                method: "eth_call",
                params: [{ to: to as `0x${string}`, data }, tag as `0x${string}`],
              }),
            ),
          ),
        );
        calls += 1;
        chunk.forEach((address, j) => {
          const [name, symbol, decimals, totalSupply] = answers.slice(j * 4, j * 4 + 4);
          const m: TokenMetadata = {
            address,
            name: decodeStringResult(text(name)),
            symbol: decodeStringResult(text(symbol)),
            decimals: decodeDecimalsResult(text(decimals)),
            totalSupply: decodeUintResult(text(totalSupply)),
            blockNumber,
          };
          remember(m);
          out.set(address, m);
        });
      }
      return out;
    },
    stats: () => ({ cached: cache.size, batches: calls }),
  };
}

export type TokenMetadataFetcher = ReturnType<typeof createTokenMetadataFetcher>;
