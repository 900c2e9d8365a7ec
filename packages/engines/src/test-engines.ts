import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineStateError } from "./errors.ts";
import { freeEnginePorts } from "./free-engine-ports.ts";
import type { EngineName } from "./options.ts";
import { defaultBaseDir } from "./paths.ts";
import { startEngines } from "./start-engines.ts";
import { type EngineEndpoints, readState } from "./state.ts";

export interface TestEngines extends EngineEndpoints {
  stop(): Promise<void>;
}

/**
 * The real engines for a test file: with CHAINLOG_ENGINES_REUSE=1 the set `pnpm engines:up` runs (left running),
 * otherwise a private set on free ports, owned by this process and stopped (data removed) afterwards.
 */
export async function testEngines(engines: EngineName[]): Promise<TestEngines> {
  if (process.env.CHAINLOG_ENGINES_REUSE === "1") {
    const state = readState(defaultBaseDir());
    if (!state)
      throw new EngineStateError(
        "CHAINLOG_ENGINES_REUSE=1 but no engines run: start them with pnpm engines:up",
      );
    return { ...state.endpoints, stop: async () => {} };
  }
  const baseDir = mkdtempSync(join(tmpdir(), "chainlog-adapter-test-"));
  const started = await startEngines({ nodes: 1, baseDir, engines, ...(await freeEnginePorts(1)) });
  return {
    kafkaBrokers: started.kafkaBrokers,
    cassandraContactPoints: started.cassandraContactPoints,
    cassandraPort: started.cassandraPort,
    cassandraLocalDc: started.cassandraLocalDc,
    mongoUrl: started.mongoUrl,
    async stop() {
      await started.stop();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}
