import { setTimeout as sleep } from "node:timers/promises";
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { anvilForSuite } from "../anvil-for-suite.ts";
import { createDevnetClient } from "./client.ts";
import { erc20At, pairAt } from "./deploy.ts";
import { startWorkload } from "./run-workload.ts";

describe("runWorkload", () => {
  const anvil = anvilForSuite({ pruneHistory: true });

  it("deploys, funds fresh accounts and sends a mix of transactions until aborted", async () => {
    const controller = new AbortController();
    const {
      contracts,
      accounts: senders,
      done,
    } = await startWorkload({
      rpcUrl: anvil.rpcUrl,
      accounts: 10,
      txPerSecond: 100,
      signal: controller.signal,
    });
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    // Automine: one block per transaction. Stop after 150 blocks rather than after a fixed time, so a loaded
    // machine makes the test slower, not red.
    const startBlock = await client.getBlockNumber({ cacheTime: 0 });
    const deadline = Date.now() + 50_000;
    while (Date.now() < deadline && (await client.getBlockNumber({ cacheTime: 0 })) - startBlock < 150n) {
      await sleep(200);
    }
    controller.abort();
    const stats = await done;
    console.log("workload stats", stats);
    expect(contracts).toBeDefined();
    expect(senders).toHaveLength(10);
    expect(stats.sent).toBeGreaterThan(100);
    expect(stats.failed).toBeLessThan(stats.sent / 10);
    expect(stats.byKind.eth).toBeGreaterThan(0);
    expect(stats.byKind.erc20).toBeGreaterThan(0);

    // The traffic really landed: blocks were mined, and the ERC-20 holders' balances moved.
    const endBlock = await client.getBlockNumber({ cacheTime: 0 });
    expect(endBlock - startBlock).toBeGreaterThanOrEqual(150n);
    const transferLogs = await client.getLogs({
      address: contracts.erc20,
      event: erc20At(contracts.erc20).abi.find((x) => x.type === "event" && x.name === "Transfer") as never,
      fromBlock: startBlock,
      toBlock: endBlock,
    });
    expect(transferLogs.length).toBeGreaterThan(10);

    // The pools every page needs are seeded: ETH near $3,000 in the WETH/cUSD pair, TKA near 0.0001 ETH.
    const c = contracts;
    /** Price of `base` in `quote` units from the pair's reserves. */
    const priceOf = async (pair: Address, base: Address, quote: Address, decimals: [number, number]) => {
      const [r0, r1] = await client.readContract({ ...pairAt(pair), functionName: "getReserves" });
      const [rb, rq] = BigInt(base) < BigInt(quote) ? [r0, r1] : [r1, r0];
      return (Number(rq) / Number(rb)) * 10 ** (decimals[0] - decimals[1]);
    };
    const eth = await priceOf(c.wethStablePair, c.weth, c.stablecoin, [18, 6]);
    expect(eth).toBeGreaterThan(2_500);
    expect(eth).toBeLessThan(3_500);
    const tka = await priceOf(c.tokenWethPair, c.tokenA, c.weth, [18, 18]);
    expect(tka).toBeGreaterThan(0.00008);
    expect(tka).toBeLessThan(0.00012);
    const first = senders[0] as Address;
    const cusd = await client.readContract({
      ...erc20At(c.stablecoin),
      functionName: "balanceOf",
      args: [first],
    });
    expect(cusd).toBeGreaterThan(0n);
  }, 90_000);
});
