import { setTimeout as sleep } from "node:timers/promises";
import { driveChain } from "@chainlog/devnet";
import type { ServiceName } from "@chainlog/launcher";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClusterRun, startClusterRun, withDiagnosis } from "./cluster-run.ts";
import { checkStoreEventually } from "./store-checker.ts";
import { createTimings } from "./timings.ts";
import { waitFor } from "./wait-for.ts";

const KILLS = Number(process.env.FAULT_KILLS ?? 10);
const timings = createTimings("sigkill");

/** Both services about equally often, alone and together, in random order: at least `kills` SIGKILLs in all. */
function killPlan(kills: number): ServiceName[][] {
  const plan: ServiceName[][] = [];
  for (let n = 0; n < kills; ) {
    const round: ServiceName[][] = [["ingest"], ["processor"], ["ingest", "processor"]];
    for (const victims of round) {
      if (n >= kills) break;
      plan.push(victims);
      n += victims.length;
    }
  }
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}
let run: ClusterRun | undefined;

beforeAll(async () => {
  // the query-api plays no part in delivery; leaving it out keeps the 2-core machine for the killed services
  run = await startClusterRun({
    nodes: 1,
    engines: ["kafka", "cassandra"],
    services: ["processor", "ingest"],
    onPhase: timings.mark,
  });
}, 300_000);

afterAll(async () => {
  await run?.stop();
  timings.mark("stop");
  timings.report({ kills: KILLS });
});

describe("SIGKILL of processor and ingest at random points", () => {
  it(`loses and duplicates nothing over ${KILLS} kills`, () =>
    withDiagnosis(run!, async () => {
      const { anvil, pipeline, store } = run!;
      const driver = driveChain(anvil.rpcUrl, { txPerBlock: 8, intervalMs: 150 });
      await waitFor("the first block in Cassandra", () => store.getLatestBlock(), 240_000, 500);
      timings.mark("pipelineUp");

      const log: string[] = [];
      let kills = 0;
      for (const victims of killPlan(KILLS)) {
        // a random point in the stream: mid-batch, mid-write, mid-commit, or while the other one restarts
        await sleep(300 + Math.floor(Math.random() * 2500));
        await Promise.all(victims.map((v) => pipeline.kill(v)));
        kills += victims.length;
        log.push(`${victims.join("+")}@${driver.blocks}`);
        await sleep(Math.floor(Math.random() * 500));
        for (const v of victims) pipeline.restart(v);
      }
      console.log(`[sigkill] ${kills} kills: ${log.join(" ")}`);
      timings.mark("kills");
      await sleep(2000);
      const senders = await driver.stop();
      timings.mark("drive");

      const report = await checkStoreEventually({ rpcUrl: anvil.rpcUrl, store, senders, timeoutMs: 240_000 });
      timings.mark("catchUpAndCheck");
      console.log(`[sigkill] ${report.blocks} blocks, ${report.transactions} txs checked`);
      expect(report.problems).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(10);
      expect(report.transactions).toBeGreaterThanOrEqual(300);
      expect(pipeline.unplannedRestarts).toBe(0);
    }));
});
