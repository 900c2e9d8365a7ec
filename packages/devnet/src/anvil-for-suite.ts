import { afterAll, beforeAll } from "vitest";
import { type Anvil, type StartAnvilParameters, startAnvil } from "./anvil.ts";

export interface AnvilForSuiteOptions {
  /** Seeds the node once it is up (deploys, transfers, mined blocks), inside the same hook. */
  prepare?: (anvil: Anvil) => Promise<void>;
  /** How the node ends after the suite: "stop" (SIGTERM, default) or "kill" (SIGKILL right away). */
  end?: "stop" | "kill";
  hookTimeoutMs?: number;
}

/**
 * One anvil for the enclosing `describe`: started in its beforeAll, ended in its afterAll. The returned handle
 * reads through to the running node, so tests use `anvil.rpcUrl` as with a node they started themselves.
 * Lives in its own entry (`@chainlog/devnet/vitest`) because it imports vitest, which the launcher must not.
 */
export function anvilForSuite(params: StartAnvilParameters = {}, options: AnvilForSuiteOptions = {}): Anvil {
  let node: Anvil | undefined;
  const running = (): Anvil => {
    if (!node) throw new Error("the suite's anvil is not running (used outside its describe's tests?)");
    return node;
  };
  beforeAll(async () => {
    node = await startAnvil(params);
    await options.prepare?.(node);
  }, options.hookTimeoutMs ?? 60_000);
  afterAll(async () => {
    await (options.end === "kill" ? node?.kill() : node?.stop());
  });
  // Reads go to the node of the moment: there is none before beforeAll, and a fresh one per suite.
  return new Proxy({} as Anvil, { get: (_, key) => running()[key as keyof Anvil] });
}
