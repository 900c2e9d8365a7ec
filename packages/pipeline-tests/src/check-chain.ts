import { setTimeout as sleep } from "node:timers/promises";
import { rpc, rpcBatch } from "@chainlog/devnet";
import { expect } from "vitest";
import { getJson, waitFor } from "./pipeline.ts";

/**
 * The pipeline's checker: stops the chain driver once its last transactions had time to land, waits until the API serves every height up to the node's head, then compares each
 * block (number, hash, its transactions in order) with the node, and each sender's history with its nonce, so
 * a lost or duplicated block or transaction fails. Returns the head it checked.
 */
export async function expectChainServedExactlyOnce(params: {
  apiUrl: string;
  rpcUrl: string;
  /** What sends the traffic (driveChain): stopped here, and its senders' histories checked. */
  driver: { stop(): Promise<string[]> };
  timeoutMs?: number;
}): Promise<number> {
  const { apiUrl, rpcUrl } = params;
  await sleep(1500);
  const senders = await params.driver.stop();
  const timeoutMs = params.timeoutMs ?? 90_000;
  const head = Number(await rpc<string>(rpcUrl, "eth_blockNumber"));
  await waitFor(
    `the API to reach head ${head}`,
    async () => (await getJson<{ number: number }>(`${apiUrl}/v1/blocks/latest`)).body.number === head,
    timeoutMs,
  );
  // Partitions are processed independently, so the newest block can be stored while a lower one on a partition
  // whose processor just restarted is still on its way: wait until every height is served (a lost block would
  // time this out and fail), then compare each with the node.
  let missing = -1;
  await waitFor(
    `every block up to ${head} to be served`,
    async () => {
      for (let n = 0; n <= head; n++)
        if ((await getJson(`${apiUrl}/v1/blocks/${n}`)).status !== 200) {
          missing = n;
          return false;
        }
      return true;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (block ${missing} still missing)`);
  });

  // Every height, by number and hash, and each block's transactions exactly once.
  const nodeBlocks = await rpcBatch<{ hash: string; transactions: string[] }>(
    rpcUrl,
    Array.from({ length: head + 1 }, (_, n) => ["eth_getBlockByNumber", [`0x${n.toString(16)}`, false]]),
  );
  for (let n = 0; n <= head; n++) {
    const { status, body } = await getJson<{ hash: string }>(`${apiUrl}/v1/blocks/${n}`);
    expect(status, `block ${n}`).toBe(200);
    expect(body.hash, `block ${n}`).toBe(nodeBlocks[n]!.hash);
    const txs = await getJson<{ items: { hash: string }[] }>(`${apiUrl}/v1/blocks/${n}/txs?limit=100`);
    expect(
      txs.body.items.map((t) => t.hash),
      `txs of block ${n}`,
    ).toEqual(nodeBlocks[n]!.transactions);
  }

  // Per sender: the API's history has exactly nonce-many distinct transactions.
  for (const sender of senders) {
    const nonce = Number(await rpc<string>(rpcUrl, "eth_getTransactionCount", [sender, "latest"]));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `${apiUrl}/v1/address/${sender}/txs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page: { body: { items: { hash: string }[]; nextCursor: string | null } } = await getJson(q);
      seen.push(...page.body.items.map((t) => t.hash));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size, `duplicates for ${sender}`).toBe(seen.length);
    expect(seen.length, `history of ${sender}`).toBe(nonce);
  }
  return head;
}
