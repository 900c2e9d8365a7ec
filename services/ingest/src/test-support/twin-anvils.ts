import { type Anvil, startAnvil } from "@chainlog/devnet";
import { afterAll } from "vitest";
import { rpc } from "./harness.ts";

/**
 * Anvil nodes that hold the very same chain: a fixed genesis timestamp and a fixed block-time step make the
 * same operations produce the same block hashes on every node.
 */
export async function startTwins(
  count: number,
): Promise<{ nodes: Anvil[]; mine(blocks: number): Promise<void>; alive: Set<Anvil> }> {
  const nodes = await Promise.all(
    Array.from({ length: count }, () =>
      startAnvil({ pruneHistory: true, noMining: true, extraArgs: ["--timestamp", "1700000000"] }),
    ),
  );
  const alive = new Set(nodes);
  for (const n of nodes) {
    n.process.once("exit", () => alive.delete(n));
    await rpc(n.rpcUrl, "anvil_setBlockTimestampInterval", [1]);
  }
  return {
    nodes,
    alive,
    async mine(blocks) {
      await Promise.all(
        [...alive].map((n) => rpc(n.rpcUrl, "anvil_mine", [`0x${blocks.toString(16)}`, "0x1"])),
      );
    },
  };
}

/** Twins for one suite: the returned function starts them inside a test; every node is killed after the suite. */
export function twinsForSuite(): (count: number) => ReturnType<typeof startTwins> {
  let twins: Awaited<ReturnType<typeof startTwins>> | undefined;
  afterAll(async () => {
    await Promise.all(twins?.nodes.map((n) => n.kill()) ?? []);
  });
  return async (count) => {
    twins = await startTwins(count);
    return twins;
  };
}

/** Sends the same transfers to every node (same signer and nonce, so the same signed transaction), then mines them into one block. */
export async function sendEverywhere(nodes: Iterable<Anvil>, count: number): Promise<void> {
  for (const n of nodes) {
    const accounts = await rpc<string[]>(n.rpcUrl, "eth_accounts");
    for (let i = 0; i < count; i++)
      await rpc(n.rpcUrl, "eth_sendTransaction", [
        { from: accounts[0], to: accounts[1], value: `0x${(i + 1).toString(16)}` },
      ]);
    await rpc(n.rpcUrl, "anvil_mine", ["0x1", "0x1"]);
  }
}
