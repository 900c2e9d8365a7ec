import { setTimeout as sleep } from "node:timers/promises";
import { driveChain } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterRun, startClusterRun, withDiagnosis } from "./cluster-run.ts";
import { checkStoreEventually } from "./store-checker.ts";
import { createTimings } from "./timings.ts";
import { waitFor } from "./wait-for.ts";

const timings = createTimings("cluster-pipeline");
let run: ClusterRun | undefined;

beforeAll(async () => {
  run = await startClusterRun({ nodes: 1, onPhase: timings.mark });
}, 300_000);

afterAll(async () => {
  await run?.stop();
  timings.mark("stop");
  timings.report();
});

describe("cluster pipeline on single-node engines", () => {
  it("indexes a growing chain into Cassandra through Kafka, every block and tx exactly once", () =>
    withDiagnosis(run!, async () => {
      const { anvil, pipeline, store } = run!;
      const driver = driveChain(anvil.rpcUrl, { txPerBlock: 12, intervalMs: 100 });
      await waitFor("the first block in Cassandra", () => store.getLatestBlock(), 240_000, 500);
      timings.mark("pipelineUp");
      await waitFor("≥ 300 txs sent", async () => driver.sent >= 320, 120_000, 200);
      await sleep(1000);
      const senders = await driver.stop();
      timings.mark("drive");

      const report = await checkStoreEventually({ rpcUrl: anvil.rpcUrl, store, senders, timeoutMs: 120_000 });
      timings.mark("catchUpAndCheck");
      console.log(`[cluster-pipeline] ${report.blocks} blocks, ${report.transactions} txs checked`);
      expect(report.problems).toEqual([]);
      expect(report.transactions).toBeGreaterThanOrEqual(300);

      // the query-api serves the same tip from Cassandra
      const latest = await waitFor(
        "the query-api",
        async () => {
          const res = await fetch(`${pipeline.apiUrl}/v1/blocks/latest`);
          return res.status === 200 ? ((await res.json()) as { number: number; hash: string }) : null;
        },
        60_000,
      );
      expect(latest.number).toBe(report.head);
      expect(pipeline.unplannedRestarts).toBe(0);
    }));
});
