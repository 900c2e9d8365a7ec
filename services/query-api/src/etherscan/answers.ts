import type { ReadModel } from "@chainlog/ports";
import type { Block } from "@chainlog/tx-schema";
import { LRUCache } from "lru-cache";
import type { EtherscanQuery } from "./params.ts";

/**
 * The list actions answered from a block's raw rows, so one newest stored block gives one answer. Not
 * txlistinternal: its rows come with the enrichment, which lands after its block.
 */
const CACHED = new Set(["txlist", "tokentx", "tokennfttx", "token1155tx"]);
/** The parameters those answers depend on (apikey and the like do not change an answer). */
const KEY_PARAMS = [
  "action",
  "address",
  "contractaddress",
  "startblock",
  "endblock",
  "page",
  "offset",
  "sort",
] as const;

interface AnswerCacheOptions {
  /**
   * How long an answer is kept at most. Keyed by the newest stored block, an answer stays right until that block
   * changes; the bound covers what can change beside it (a block of another bus partition landing below the
   * newest, token names the enrichment stage adds).
   */
  ttlMs?: number;
  /** Bytes of serialized answers kept at most; the least recently used go first. */
  maxBytes?: number;
}

/**
 * Serialized answers of Etherscan's account lists, keyed by their parameters and the newest stored block: a hot
 * address's page is built and stringified about once per block (or per ttlMs), not once per request. Misses of
 * one key at once share one computation.
 */
export function createAnswerCache(store: ReadModel, options: AnswerCacheOptions = {}) {
  const answers = new LRUCache<string, string>({
    maxSize: options.maxBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (value, key) => value.length + key.length,
    ttl: options.ttlMs ?? 1_000,
  });
  const pending = new Map<string, Promise<string>>();
  return {
    /**
     * The JSON text of the answer: cached for the list actions, else `compute`'s answer as it is. `compute` gets
     * the newest stored block the key was made of (undefined when not read), so its rows count confirmations
     * from the same block and the request reads it once.
     */
    async answer(
      q: EtherscanQuery,
      compute: (newest?: Block | null) => Promise<unknown>,
    ): Promise<string | unknown> {
      if (q.module !== "account" || !CACHED.has(q.action ?? "")) return compute();
      const newest = await store.getLatestBlock();
      const key = JSON.stringify([newest?.hash ?? null, ...KEY_PARAMS.map((p) => q[p] ?? "")]);
      const hit = answers.get(key);
      if (hit !== undefined) return hit;
      let computing = pending.get(key);
      if (!computing) {
        computing = compute(newest)
          .then((answer) => {
            const text = JSON.stringify(answer);
            answers.set(key, text);
            return text;
          })
          .finally(() => pending.delete(key));
        pending.set(key, computing);
      }
      return computing;
    },
  };
}
export type AnswerCache = ReturnType<typeof createAnswerCache>;
