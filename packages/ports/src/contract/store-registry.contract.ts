import { TokenMetadata } from "@chainlog/tx-schema";
import { expect, it } from "vitest";
import { addressOf, uniqueName } from "./fixtures.ts";
import type { StoreTestContext } from "./store-derived.contract.ts";

const upper = (address: string) => `0x${address.slice(2).toUpperCase()}`;
const byAddress = (a: { address: string }, b: { address: string }) =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0;

function token(address: string, fields: Partial<TokenMetadata> = {}): TokenMetadata {
  return TokenMetadata.parse({
    address,
    standard: "erc20",
    name: "Token",
    symbol: "TKN",
    decimals: 18,
    firstSeenBlock: 100,
    ...fields,
  });
}

/** Token metadata (not block-scoped): replace semantics and lookups. */
export function describeRegistry(ctx: StoreTestContext): void {
  it("upsertTokens inserts or replaces by address; getToken and getTokens find them in any case", async () => {
    const store = ctx.store();
    const at = (s: string) => addressOf(uniqueName(`tok-${s}`));
    const [a, b, c] = [at("a"), at("b"), at("c")];
    const odd = token(b, {
      name: "Bad\u0000Token 'quoted' \"double\" \\ 🙂",
      symbol: null,
      decimals: null,
      standard: null,
    });
    await store.upsertTokens([token(a, { symbol: "AAA", name: "Alpha" }), odd]);
    await store.upsertTokens([]);
    expect(await store.getToken(a)).toEqual(token(a, { symbol: "AAA", name: "Alpha" }));
    expect(await store.getToken(upper(b))).toEqual(odd);
    expect(await store.getToken(c)).toBeNull();

    const replaced = token(a, {
      symbol: "AAB",
      name: null,
      decimals: 6,
      standard: "erc721",
      firstSeenBlock: 7,
    });
    await store.upsertTokens([replaced]);
    expect(await store.getToken(a)).toEqual(replaced);

    const many = await store.getTokens([a, upper(b), c, "' OR 1=1 --"]);
    expect(new Map([...many.entries()].sort())).toEqual(
      new Map(
        [
          [a, replaced],
          [b, odd],
        ].sort() as [string, TokenMetadata][],
      ),
    );
  });

  it("findTokensBySymbol: exact match ignoring case, ordered by address, at most limit; odd symbols are data", async () => {
    const store = ctx.store();
    const symbol = uniqueName("Sym").replace(/-/g, "_");
    const at = (s: string) => addressOf(`${symbol}:${s}`);
    const same = [
      token(at("1"), { symbol }),
      token(at("2"), { symbol: symbol.toUpperCase() }),
      token(at("3"), { symbol: symbol.toLowerCase() }),
    ].sort(byAddress);
    const unicode = `Ünï'"🙂${symbol}`;
    const oddOnes = [
      token(at("prefix"), { symbol: `${symbol}X` }),
      token(at("nul"), { symbol: `${symbol}\u0000` }),
      token(at("unicode"), { symbol: unicode }),
      token(at("none"), { symbol: null }),
    ];
    await store.upsertTokens([...same, ...oddOnes]);

    expect(await store.findTokensBySymbol(symbol.toLowerCase(), 10)).toEqual(same);
    expect(await store.findTokensBySymbol(symbol.toUpperCase(), 2)).toEqual(same.slice(0, 2));
    expect(await store.findTokensBySymbol(symbol, 1)).toEqual(same.slice(0, 1));
    expect(await store.findTokensBySymbol(symbol.slice(0, -1), 10)).toEqual([]);
    expect(await store.findTokensBySymbol(`${symbol}%`, 10)).toEqual([]);
    expect(await store.findTokensBySymbol(`${symbol.slice(0, -1)}_`, 10)).toEqual([]);
    expect(await store.findTokensBySymbol(`${symbol}\u0000`, 10)).toEqual([oddOnes[1]]);
    expect(await store.findTokensBySymbol(unicode, 10)).toEqual([oddOnes[2]]);
    expect(await store.findTokensBySymbol(`üNÏ'"🙂${symbol}`, 10)).toEqual([oddOnes[2]]);

    // A replaced symbol leaves the old one's lookups.
    const renamed = { ...same[0]!, symbol: `${symbol}X` };
    await store.upsertTokens([renamed]);
    expect(await store.findTokensBySymbol(symbol, 10)).toEqual(same.slice(1));
    expect(await store.findTokensBySymbol(`${symbol}x`, 10)).toEqual([renamed, oddOnes[0]!].sort(byAddress));
  });
}
