import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, rpc, startAnvil } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import type { Bus } from "@chainlog/ports";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { type BlockEnvelope, encodeEnvelope, Headers, Topics } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessor } from "./create-processor.ts";
import { readBlockEnvelope, waitFor } from "./test-support/publish-blocks.ts";

const CHAIN = 31337;

/** What an ingest leader does (services/ingest/src/publish/block-sink.ts): its lease token on every message. */
async function publishAsLeader(bus: Bus, token: number, envelopes: BlockEnvelope[]) {
  const messages = envelopes.map(encodeEnvelope);
  for (const m of messages) m.headers[Headers.leaderToken] = String(token);
  await bus.publish(Topics.blocks, messages);
}

/**
 * Two ingest leaders on the real embedded bus, each through its own connection as two processes would: a normal
 * handover (the successor resumes a little behind, so a few heights come twice) loses nothing; a late write of
 * the deposed leader, here a block of a fork its successor already replaced, is dropped with a metric.
 */
describe("processor fencing of a deposed ingest leader", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-processor-fencing-"));
  let anvil: Anvil;
  /** Block 9 of a fork that the chain dropped: what a stalled old leader may still publish. */
  let stale9: BlockEnvelope;
  const canonical: BlockEnvelope[] = [];

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: CHAIN });
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x8"]);
    const eight = await readBlockEnvelope(anvil.rpcUrl, 8, CHAIN);
    const snapshot = await rpc<string>(anvil.rpcUrl, "evm_snapshot");
    await rpc(anvil.rpcUrl, "evm_mine", [Number(eight.block.timestamp) + 100]);
    stale9 = await readBlockEnvelope(anvil.rpcUrl, 9, CHAIN);
    await rpc(anvil.rpcUrl, "evm_revert", [snapshot]);
    await rpc(anvil.rpcUrl, "evm_mine", [Number(eight.block.timestamp) + 200]);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x3"]);
    for (let n = 0; n <= 12; n++) canonical.push(await readBlockEnvelope(anvil.rpcUrl, n, CHAIN));
    expect(canonical[9]!.block.hash).not.toBe(stale9.block.hash);
  }, 120_000);

  afterAll(async () => {
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies a normal handover in full, then drops the old leader's late write of a replaced height", async () => {
    const path = join(dir, "bus.db");
    const processorBus = createSqliteBus({ path });
    const store = await createSqliteStore({ path: join(dir, "store.db") });
    await store.migrate();
    const metrics = createMetricsRegistry("processor-fencing");
    const processor = createProcessor({
      bus: processorBus,
      store,
      logger: createLogger("processor-fencing", "silent"),
      metrics,
      partitions: 4,
      sampleIntervalMs: 200,
    });
    const oldLeader = createSqliteBus({ path });
    const newLeader = createSqliteBus({ path });
    const drained = () =>
      waitFor(
        async () => (await processorBus.consumerLag(Topics.blocks, "processor")) === 0,
        60_000,
        "the processor to read everything",
      );
    try {
      // Term 1 publishes 0..6; term 2 resumes from the stored cursor at 4 and publishes 5..12. All of it is on
      // the bus before the processor reads, so it meets term 2's messages in one partition before term 1's
      // legitimate ones in another: those must still be applied.
      await oldLeader.ensureTopics([{ name: Topics.blocks, partitions: 4 }]);
      await publishAsLeader(oldLeader, 1, canonical.slice(0, 7));
      await publishAsLeader(newLeader, 2, canonical.slice(5));
      await processor.start();
      await drained();
      for (const env of canonical)
        expect((await store.getBlockByNumber(env.block.number))?.hash, `block ${env.block.number}`).toBe(
          env.block.hash,
        );
      expect(processor.stats.fencedMessages).toBe(0);

      // The old leader's publish that stalled past its term lands now: fork block 9 under token 1.
      await publishAsLeader(oldLeader, 1, [stale9]);
      await drained();
      expect((await store.getBlockByNumber(9))?.hash).toBe(canonical[9]!.block.hash);
      expect(await store.getBlockByHash(stale9.block.hash)).toBeNull();
      expect(processor.stats.fencedMessages).toBe(1);
      expect(await metrics.metrics()).toMatch(
        /chainlog_processor_fenced_messages_total\{[^}]*chain="31337"[^}]*\} 1\n/,
      );
      expect(processor.stats.invalidMessages).toBe(0);

      // The newer leader goes on publishing: nothing of it is held back.
      await rpc(anvil.rpcUrl, "anvil_mine", ["0x1"]);
      const thirteen = await readBlockEnvelope(anvil.rpcUrl, 13, CHAIN);
      await publishAsLeader(newLeader, 2, [thirteen]);
      await waitFor(async () => (await store.getBlockByNumber(13)) !== null, 60_000, "block 13");
      expect(processor.stats.fencedMessages).toBe(1);
    } finally {
      await processor.close();
      await oldLeader.close();
      await newLeader.close();
      await processorBus.close();
      await store.close();
    }
  }, 180_000);
});
