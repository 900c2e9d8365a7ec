import {
  type Anvil,
  createDevnetClient,
  deployBytes32Token,
  deployErc20,
  deployErc1155,
  deployWeth,
  startAnvil,
} from "@chainlog/devnet";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoHealthyEndpointError } from "./errors.ts";
import { createTokenMetadataFetcher } from "./fetch-token-metadata.ts";
import { createRpcPool } from "./rpc-pool.ts";

const poolOf = (url: string) =>
  createRpcPool({ endpoints: [{ url }], logger: createLogger("test", "silent"), maxRounds: 2 });

describe("createTokenMetadataFetcher on anvil", () => {
  let anvil: Anvil;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    anvil = await startAnvil({ pruneHistory: true });
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    tokens.usdc = await deployErc20(client, { name: "USD Coin", symbol: "USDC", decimals: 6 });
    tokens.mkr = await deployBytes32Token(client, { name: "Maker", symbol: "MKR", decimals: 18n });
    tokens.weth = await deployWeth(client);
    tokens.erc1155 = await deployErc1155(client); // no name/symbol/decimals at all
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  it("reads string, bytes32 and missing metadata in one batch, and caches it", async () => {
    const fetcher = createTokenMetadataFetcher({ pool: poolOf(anvil.rpcUrl) });
    const eoa = "0x000000000000000000000000000000000000dead";
    const all = [tokens.usdc, tokens.mkr, tokens.weth, tokens.erc1155, eoa] as string[];
    const got = await fetcher.get(all);
    const pick = (a: string | undefined) => {
      const m = got.get((a as string).toLowerCase());
      return m && { name: m.name, symbol: m.symbol, decimals: m.decimals, totalSupply: m.totalSupply };
    };
    expect(pick(tokens.usdc)).toEqual({ name: "USD Coin", symbol: "USDC", decimals: 6, totalSupply: "0" });
    expect(pick(tokens.mkr)).toEqual({ name: "Maker", symbol: "MKR", decimals: 18, totalSupply: "0" });
    expect(pick(tokens.weth)).toEqual({
      name: "Wrapped Ether",
      symbol: "WETH",
      decimals: 18,
      totalSupply: "0",
    });
    expect(pick(tokens.erc1155)).toEqual({ name: null, symbol: null, decimals: null, totalSupply: null });
    expect(pick(eoa)).toEqual({ name: null, symbol: null, decimals: null, totalSupply: null });
    expect(fetcher.stats()).toEqual({ cached: 5, batches: 1 });
    await fetcher.get(all);
    expect(fetcher.stats().batches).toBe(1);
  });

  it("throws when no endpoint answers", async () => {
    const fetcher = createTokenMetadataFetcher({ pool: poolOf("http://127.0.0.1:1") });
    await expect(fetcher.get([tokens.usdc as string])).rejects.toBeInstanceOf(NoHealthyEndpointError);
  });
});
