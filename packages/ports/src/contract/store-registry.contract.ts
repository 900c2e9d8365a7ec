import { type IngestStatus, type ProcessorStatus, ServiceStatus, TokenMetadata } from "@chainlog/tx-schema";
import { expect, it } from "vitest";
import { addressOf, uniqueName } from "./fixtures.ts";
import type { StoreTestContext } from "./store-derived.contract.ts";

const TIMEOUT = 120_000;
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

function ingest(instance: string, updatedAt: number, head = 1000): IngestStatus {
  return ServiceStatus.parse({
    service: "ingest",
    instance,
    updatedAt,
    leader: true,
    head,
    published: head - 2,
    lagBlocks: 2,
    failovers: 1,
    lastProgressAt: updatedAt - 500,
    endpoints: [
      {
        label: "http://127.0.0.1:8545",
        priority: 0,
        healthy: true,
        head,
        lag: 0,
        latencyMs: 1.5,
        consecutiveFailures: 0,
        rateLimitRps: null,
        lastError: null,
      },
      {
        label: "https://rpc.example.org/<redacted>",
        priority: 1,
        healthy: false,
        head: head - 40,
        lag: 40,
        latencyMs: 250,
        consecutiveFailures: 3,
        rateLimitRps: 12.5,
        lastError: "HTTP 429 'slow down' \u00fc",
      },
    ],
  }) as IngestStatus;
}

function processor(instance: string, updatedAt: number): ProcessorStatus {
  return ServiceStatus.parse({
    service: "processor",
    instance,
    updatedAt,
    lastBlock: 998,
    consumerLag: 3,
    blocksPerSecond: 41.25,
    rollbacks: 2,
    lastProgressAt: updatedAt - 100,
  }) as ProcessorStatus;
}

/** Token metadata (not block-scoped) and service status reports: replace semantics, lookups, expiry. */
export function describeRegistry(ctx: StoreTestContext): void {
  it(
    "upsertTokens inserts or replaces by address; getToken and getTokens find them in any case",
    async () => {
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
    },
    TIMEOUT,
  );

  it(
    "findTokensBySymbol: exact match ignoring case, ordered by address, at most limit; odd symbols are data",
    async () => {
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
      expect(await store.findTokensBySymbol(`${symbol}x`, 10)).toEqual(
        [renamed, oddOnes[0]!].sort(byAddress),
      );
    },
    TIMEOUT,
  );

  it(
    "putServiceStatus replaces per (service, instance); getServiceStatuses drops expired ones, ingest first",
    async () => {
      const store = ctx.store();
      const id = uniqueName("inst");
      const now = Date.now();
      const mine = async (maxAgeMs: number) => {
        const all = await store.getServiceStatuses(maxAgeMs);
        // The whole answer is ordered, whoever else reports on this store.
        const keys = all.map((s) => [s.service === "ingest" ? 0 : 1, s.instance] as const);
        const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
        expect(keys).toEqual(sorted);
        return all.filter((s) => s.instance.startsWith(id));
      };

      await store.putServiceStatus(ingest(`${id}-b`, now));
      await store.putServiceStatus(processor(`${id}-a`, now));
      await store.putServiceStatus(ingest(`${id}-a`, now - 1000, 900));
      await store.putServiceStatus(processor(`${id}-old`, now - 120_000));
      expect(await mine(60_000)).toEqual([
        ingest(`${id}-a`, now - 1000, 900),
        ingest(`${id}-b`, now),
        processor(`${id}-a`, now),
      ]);
      expect((await mine(600_000)).map((s) => `${s.service}/${s.instance}`)).toEqual([
        `ingest/${id}-a`,
        `ingest/${id}-b`,
        `processor/${id}-a`,
        `processor/${id}-old`,
      ]);

      // A newer report replaces the old one of the same (service, instance) only.
      await store.putServiceStatus(ingest(`${id}-a`, now + 10, 1001));
      await store.putServiceStatus(processor(`${id}-old`, now + 10));
      expect(await mine(60_000)).toEqual([
        ingest(`${id}-a`, now + 10, 1001),
        ingest(`${id}-b`, now),
        processor(`${id}-a`, now),
        processor(`${id}-old`, now + 10),
      ]);
      // A report replaced by an older one (a restarted clock) expires by the new updatedAt.
      await store.putServiceStatus(ingest(`${id}-b`, now - 90_000));
      expect((await mine(60_000)).map((s) => `${s.service}/${s.instance}`)).toEqual([
        `ingest/${id}-a`,
        `processor/${id}-a`,
        `processor/${id}-old`,
      ]);
    },
    TIMEOUT,
  );
}
