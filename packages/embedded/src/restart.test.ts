import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumedMessage } from "@chainlog/ports";
import { addressOf, buildBlock, hashOf, waitFor } from "@chainlog/ports/contract";
import { describe, expect } from "vitest";
import { createSqliteBus, createSqliteMetaStore, createSqliteStore } from "./index.ts";
import { it } from "./test-support/temp-files.ts";

describe("close and reopen: everything is still there", () => {
  it("store", async ({ path }) => {
    const [a, c, token] = [addressOf("ra"), addressOf("rc"), addressOf("rt")];
    const blocks = [1, 2, 3].map((n) =>
      buildBlock({
        number: n,
        txs: [{ from: a, to: c, transfers: [{ token, from: a, to: c, value: "9" }] }],
      }),
    );
    const cursor = { chainId: 1, tip: { number: 3, hash: blocks[2]!.block.hash }, recent: [], updatedAt: 1 };
    const first = createSqliteStore({ path });
    await first.migrate();
    await first.writeBlocks(blocks);
    await first.setCursor("ingest", cursor);
    const page = await first.getAddressTransactions(a, { limit: 2 });
    await first.close();

    const again = createSqliteStore({ path });
    await again.migrate();
    expect(await again.getLatestBlock()).toEqual(blocks[2]!.block);
    expect(await again.getCursor("ingest")).toEqual(cursor);
    expect((await again.getTransaction(blocks[0]!.transactions[0]!.hash))?.tokenTransfers).toEqual(
      blocks[0]!.tokenTransfers,
    );
    // Cursors are signed with a secret kept in the file, so a page link survives a restart.
    const next = await again.getAddressTransactions(a, { limit: 2, cursor: page.nextCursor });
    expect(next.items).toEqual([blocks[0]!.transactions[0]]);
    await again.close();
  });

  it("meta store", async ({ path }) => {
    const first = createSqliteMetaStore({ path });
    await first.migrate();
    const user = await first.createUser({ email: "a@example.org", passwordHash: "h" });
    const key = await first.createApiKey({
      userId: user.id,
      name: "k",
      prefix: "p",
      keyHash: hashOf("k"),
      scopes: ["read"],
    });
    const list = await first.createWatchlist(user.id, { name: "w", addresses: [addressOf("x")] });
    const job = await first.createJob(user.id, { kind: "export", params: { a: 1 } });
    await first.putJobResult({
      jobId: job.id,
      userId: user.id,
      filename: "f",
      contentType: "c",
      body: Buffer.from([0, 1]),
    });
    await first.close();

    const again = createSqliteMetaStore({ path });
    await again.migrate();
    expect(await again.getUserByEmail("A@example.org")).toEqual(user);
    expect(await again.findApiKeyByHash(hashOf("k"))).toEqual(key);
    expect(await again.findWatchlistsByAddress(addressOf("x"))).toEqual([list]);
    expect(await again.getJob(user.id, job.id)).toEqual(job);
    expect((await again.getJobResult(user.id, job.id))?.body).toEqual(Buffer.from([0, 1]));
    await expect(again.createUser({ email: "a@EXAMPLE.org", passwordHash: "h" })).rejects.toThrow(/already/);
    await again.close();
  });

  it("bus: messages, group positions and lag", async ({ path }) => {
    const first = createSqliteBus({ path });
    await first.ensureTopics([{ name: "t", partitions: 2 }]);
    const msgs = Array.from({ length: 10 }, (_, i) => ({
      key: `k${i}`,
      value: Buffer.from([i]),
      headers: { i: String(i) },
    }));
    await first.publish("t", msgs);
    const got: ConsumedMessage[] = [];
    const sub = await first.consume({ topic: "t", group: "g", onBatch: async (b) => void got.push(...b) });
    await waitFor(() => got.length >= 10, "10 messages");
    await sub.close();
    await first.publish("t", msgs.slice(0, 3));
    await first.close();

    const again = createSqliteBus({ path });
    await again.ensureTopics([{ name: "t", partitions: 2 }]);
    expect(await again.consumerLag("t", "g")).toBe(3);
    expect(await again.consumerLag("t", "fresh")).toBe(13);
    const rest: ConsumedMessage[] = [];
    await again.consume({ topic: "t", group: "g", onBatch: async (b) => void rest.push(...b) });
    await waitFor(() => rest.length >= 3, "the 3 uncommitted messages");
    await sleep(200);
    expect(rest.map((m) => m.value[0]).sort()).toEqual([0, 1, 2]);
    await again.close();
  });
});
