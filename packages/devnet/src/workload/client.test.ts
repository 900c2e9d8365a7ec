import { afterAll, describe, expect, it } from "vitest";
import { anvilForSuite } from "../anvil-for-suite.ts";
import { rpc } from "../json-rpc.ts";
import { startMisbehavingNode } from "../misbehaving-node.ts";
import { confirm, createDevnetClient, defaultAccount } from "./client.ts";

describe("confirm", () => {
  const anvil = anvilForSuite();
  const proxies: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => Promise.all(proxies.map((p) => p.close())));

  it("returns once the node's head holds the transaction, not at the receipt", async () => {
    const node = await startMisbehavingNode(anvil.rpcUrl, ["lagging-head"]);
    proxies.push(node);
    const client = createDevnetClient({ rpcUrl: node.url, chainId: 31337 });
    const from = await defaultAccount(client);
    for (let i = 0; i < 3; i++) {
      const hash = await client.sendTransaction({ account: from, to: from, value: 1n, chain: null });
      const receipt = await confirm(client, hash);
      // what a fixture reads next: the head, through the same node
      expect(BigInt(await rpc<string>(node.url, "eth_blockNumber"))).toBeGreaterThanOrEqual(
        receipt.blockNumber,
      );
    }
  });
});
