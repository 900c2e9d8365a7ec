import { setTimeout as sleep } from "node:timers/promises";
import { type Anvil, driveChain, startAnvil } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectChainServedExactlyOnce } from "./check-chain.ts";
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
      await sleep(1000 + Math.floor(Math.random() * 2000));
      await Promise.all([pipeline.kill("ingest"), pipeline.kill("processor")]);
      await sleep(300);
      pipeline.restart("processor");
      pipeline.restart("ingest");
    }
    const head = await expectChainServedExactlyOnce({
      apiUrl: pipeline.apiUrl,
      rpcUrl: anvil.rpcUrl,
      driver,
    });
    expect(head).toBeGreaterThan(20);
  });
});
