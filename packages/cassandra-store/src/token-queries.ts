import type { Store } from "@chainlog/ports";
import { TokenMetadata } from "@chainlog/tx-schema";
import { parse, readOptions, type StoreContext } from "./context.ts";
import { runLimited } from "./run-limited.ts";

/** Never empty (Cassandra refuses an empty partition key), case-folded so a lookup ignores case. */
const symbolKey = (symbol: string) => `s:${symbol.toLowerCase()}`;

export type TokenQueries = Pick<Store, "upsertTokens" | "getToken" | "getTokens" | "findTokensBySymbol">;

/** Token metadata by address, and by case-folded symbol; not block-scoped, so rollbacks leave it alone. */
export function createTokenQueries(ctx: StoreContext): TokenQueries {
  const { ks } = ctx;
  const get = async (address: string): Promise<TokenMetadata | null> => {
    const row = (
      await ctx.exec(`SELECT data FROM ${ks}.tokens WHERE address = ?`, [address.toLowerCase()], readOptions)
    ).first();
    return row ? parse<TokenMetadata>(row.data) : null;
  };

  return {
    async upsertTokens(tokens) {
      await ctx.settings();
      // validated here: bad metadata is refused whole, before anything is written
      const byAddress = new Map(tokens.map((t) => TokenMetadata.parse(t)).map((t) => [t.address, t]));
      await runLimited(
        [...byAddress.values()].map((t) => async () => {
          const previous = await get(t.address);
          const data = JSON.stringify(t);
          await ctx.exec(`INSERT INTO ${ks}.tokens (address, data) VALUES (?, ?)`, [t.address, data]);
          if (t.symbol !== null)
            await ctx.exec(`INSERT INTO ${ks}.tokens_by_symbol (symbol, address, data) VALUES (?, ?, ?)`, [
              symbolKey(t.symbol),
              t.address,
              data,
            ]);
          const old = previous?.symbol ?? null;
          if (old !== null && (t.symbol === null || symbolKey(old) !== symbolKey(t.symbol)))
            await ctx.exec(`DELETE FROM ${ks}.tokens_by_symbol WHERE symbol = ? AND address = ?`, [
              symbolKey(old),
              t.address,
            ]);
        }),
        ctx.concurrency,
      );
    },

    async getToken(address) {
      await ctx.settings();
      return get(address);
    },

    async getTokens(addresses) {
      await ctx.settings();
      const out = new Map<string, TokenMetadata>();
      await runLimited(
        [...new Set(addresses.map((a) => a.toLowerCase()))].map((a) => async () => {
          const t = await get(a);
          if (t) out.set(a, t);
        }),
        ctx.concurrency,
      );
      return out;
    },

    async findTokensBySymbol(symbol, limit) {
      await ctx.settings();
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive integer");
      const rs = await ctx.exec(
        `SELECT address, data FROM ${ks}.tokens_by_symbol WHERE symbol = ?`,
        [symbolKey(symbol)],
        { ...readOptions, fetchSize: Math.min(limit + 10, 1000) },
      );
      const out: TokenMetadata[] = [];
      for await (const row of rs) {
        // a concurrent upsert may have left a stale symbol row: the current metadata must still match
        const current = await get(String(row.address));
        if (current?.symbol != null && symbolKey(current.symbol) === symbolKey(symbol)) out.push(current);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
