import { type Anvil, driveChain, rpc, rpcBatch, startAnvil } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

let anvil: Anvil;
let pipeline: Pipeline;

beforeAll(async () => {
  anvil = await startAnvil({ noMining: true, accounts: 8 });
  pipeline = await startPipeline({ rpcUrl: anvil.rpcUrl });
});

afterAll(async () => {
  await pipeline?.stop();
  await anvil?.kill();
});

describe("crash and restart", () => {
  it("SIGKILLed mid-stream, resumes from the stored cursor and holds every block and tx exactly once", async () => {
    const driver = driveChain(anvil.rpcUrl, { txPerBlock: 12, intervalMs: 150 });
    await waitFor(
      "the pipeline to serve a block",
      async () => (await getJson(`${pipeline.apiUrl}/v1/blocks/latest`)).status === 200,
      90_000,
    );
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 1000 + Math.floor(Math.random() * 2000)));
      await Promise.all([pipeline.kill("ingest"), pipeline.kill("processor")]);
      await new Promise((r) => setTimeout(r, 300));
      pipeline.restart("processor");
      pipeline.restart("ingest");
    }
    await new Promise((r) => setTimeout(r, 1500));
    const senders = await driver.stop();
    const head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
    expect(head).toBeGreaterThan(20);
    await waitFor(
      `the API to reach head ${head}`,
      async () =>
        (await getJson<{ number: number }>(`${pipeline.apiUrl}/v1/blocks/latest`)).body.number === head,
      90_000,
    );
    // Partitions are processed independently, so the newest block can be stored while a lower one on a partition
    // whose processor just restarted is still on its way: wait until every height is served (a lost block would
    // time this out and fail), then compare each with the node.
    let missing = -1;
    await waitFor(
      `every block up to ${head} to be served`,
      async () => {
        for (let n = 0; n <= head; n++)
          if ((await getJson(`${pipeline.apiUrl}/v1/blocks/${n}`)).status !== 200) {
            missing = n;
            return false;
          }
        return true;
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (block ${missing} still missing)`);
    });

    // Every height, by number and hash, and each block's transactions exactly once.
    const nodeBlocks = await rpcBatch<{ hash: string; transactions: string[] }>(
      anvil.rpcUrl,
      Array.from({ length: head + 1 }, (_, n) => ["eth_getBlockByNumber", [`0x${n.toString(16)}`, false]]),
    );
    for (let n = 0; n <= head; n++) {
      const { status, body } = await getJson<{ hash: string }>(`${pipeline.apiUrl}/v1/blocks/${n}`);
      expect(status, `block ${n}`).toBe(200);
      expect(body.hash, `block ${n}`).toBe(nodeBlocks[n]!.hash);
      const txs = await getJson<{ items: { hash: string }[] }>(
        `${pipeline.apiUrl}/v1/blocks/${n}/txs?limit=100`,
      );
      expect(
        txs.body.items.map((t) => t.hash),
        `txs of block ${n}`,
      ).toEqual(nodeBlocks[n]!.transactions);
    }

    // Per sender: the API's history has exactly nonce-many distinct transactions.
    for (const sender of senders) {
      const nonce = Number(await rpc<string>(anvil.rpcUrl, "eth_getTransactionCount", [sender, "latest"]));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `${pipeline.apiUrl}/v1/address/${sender}/txs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page: { body: { items: { hash: string }[]; nextCursor: string | null } } = await getJson(q);
        seen.push(...page.body.items.map((t) => t.hash));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, `duplicates for ${sender}`).toBe(seen.length);
      expect(seen.length, `history of ${sender}`).toBe(nonce);
    }
  });
});
