import { afterAll, beforeAll } from "vitest";
import { EngineStateError } from "./errors.ts";
import type { EngineName } from "./options.ts";
import type { EngineEndpoints } from "./state.ts";
import { type TestEngines, testEngines } from "./test-engines.ts";

/**
 * The real engines for the test file (or describe) around the call: started in its beforeAll, stopped in its
 * afterAll. The returned endpoints read through to the running set, so tests use `engines.kafkaBrokers` as
 * before. Its own entry (`@chainlog/engines/vitest`) because it imports vitest, which services must not.
 */
export function enginesForFile(names: EngineName[]): EngineEndpoints {
  let started: TestEngines | undefined;
  const running = (): TestEngines => {
    if (!started) throw new EngineStateError(`the test engines (${names.join(", ")}) are not running`);
    return started;
  };
  beforeAll(async () => {
    const t = Date.now();
    started = await testEngines(names);
    console.log(`${names.join(", ")} ready in ${Date.now() - t} ms`);
  }, 600_000);
  afterAll(async () => {
    await started?.stop();
  }, 120_000);
  // Reads go to the running set: there is none before beforeAll.
  return new Proxy({} as EngineEndpoints, { get: (_, key) => running()[key as keyof EngineEndpoints] });
}
