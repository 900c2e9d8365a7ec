import { decodeLogs } from "@chainlog/decoders";
import { createDevnetClient, createPair, deployErc20, deployWeth, mintErc20, swap } from "@chainlog/devnet";
import { anvilForSuite } from "@chainlog/devnet/vitest";
import { createRpcPool, createTokenMetadataFetcher } from "@chainlog/rpc";
import { createLogger } from "@chainlog/telemetry";
import { describe, expect, it } from "vitest";
import { derivePrices } from "../derive/dex-prices.ts";
import { pricedPools } from "../derive/enrich-swaps.ts";
import { readBlockEnvelope } from "../test-support/publish-blocks.ts";
import { createPoolTokenReader } from "./pool-tokens.ts";

describe("pool tokens + derivePrices on an anvil pair", () => {
  const anvil = anvilForSuite({ pruneHistory: true });

  it("prices a token in USD from a swap in a token/stablecoin pair", async () => {
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const usd = await deployErc20(client, { symbol: "USDX", decimals: 6 });
    const gov = await deployErc20(client, { symbol: "GOV", decimals: 18 });
    const weth = await deployWeth(client);
    // 1,000 GOV against 2,500 USDX: 2.5 USD per GOV before the swap.
    const { pair } = await createPair(client, {
      tokenA: gov,
      tokenB: usd,
      amountA: 1_000n * 10n ** 18n,
      amountB: 2_500n * 10n ** 6n,
    });
    const [me] = await client.getAddresses();
    await mintErc20(client, { token: usd, to: me as `0x${string}`, amount: 10n * 10n ** 6n });
    const { receipt } = await swap(client, { pair, tokenIn: usd, amountIn: 10n * 10n ** 6n });
    const env = await readBlockEnvelope(anvil.rpcUrl, Number(receipt.blockNumber), 31337);
    const { swaps, syncs } = decodeLogs(env.logs);
    const rpc = createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger: createLogger("t", "silent") });
    const reader = createPoolTokenReader(rpc);
    const found = await reader.get([pair, usd /* not a pool: its token0() reverts */]);
    expect(found.get(usd.toLowerCase())).toBeNull();
    const tokens = found.get(pair.toLowerCase());
    expect(new Set([tokens?.token0, tokens?.token1])).toEqual(
      new Set([gov.toLowerCase(), usd.toLowerCase()]),
    );
    const meta = await createTokenMetadataFetcher({ pool: rpc }).get([gov, usd]);
    const pools = pricedPools(
      new Map(
        [...found].map(([a, p]) => [
          a,
          p && {
            ...p,
            decimals0: meta.get(p.token0)?.decimals ?? null,
            decimals1: meta.get(p.token1)?.decimals ?? null,
          },
        ]),
      ),
    );
    expect([...pools.keys()]).toEqual([pair.toLowerCase()]);
    const points = derivePrices({
      swaps,
      syncs,
      pools,
      weth,
      stablecoins: new Set([usd.toLowerCase()]),
      timestamp: env.block.timestamp,
    });
    const gov$ = points.find((p) => p.token === gov.toLowerCase() && p.quote === "USD");
    // Buying GOV with USDX moves the price up a little from 2.5.
    expect(gov$?.price).toBeGreaterThan(2.5);
    expect(gov$?.price).toBeLessThan(2.6);
  });
});
