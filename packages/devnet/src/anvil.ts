import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@chainlog/engines/ports";
import { ChainlogError } from "@chainlog/tx-schema";

export interface StartAnvilParameters {
  /** 0 or omitted: a free port is picked. */
  port?: number;
  chainId?: number;
  /** Seconds between blocks; omitted: a block per transaction (automine). */
  blockTime?: number;
  /** Turns automine off entirely (blocks only via anvil_mine / evm_mine). */
  noMining?: boolean;
  accounts?: number;
  gasLimit?: bigint;
  /**
   * Keeps anvil fast and its disk use bounded on long chains. true keeps no past state, so debug_trace* and
   * reads at older blocks fail (leave off for trace tests); a number keeps that many recent states in memory,
   * enough for a processor that follows the head to trace blocks and read balances at them.
   */
  pruneHistory?: boolean | number;
  /** Load or save state (anvil --load-state / --dump-state), e.g. to start a second node on the same chain. */
  loadStatePath?: string;
  dumpStatePath?: string;
  extraArgs?: string[];
}

export interface Anvil {
  rpcUrl: string;
  wsUrl: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL right away: the node dies as a crashed node would. */
  kill(): Promise<void>;
}

export class AnvilStartError extends ChainlogError {
  override name = "AnvilStartError";
}

/** The anvil binary shipped in the npm registry's platform package. */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const platform = `${process.platform === "win32" ? "win32" : process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  const pkg = require.resolve(`@foundry-rs/anvil-${platform}/package.json`, {
    paths: [require.resolve("@foundry-rs/anvil/package.json")],
  });
  return join(pkg, "..", "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

// One free-port helper for the repository (engines'); re-exported for devnet's users.
export { freePort };

async function waitForRpc(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new AnvilStartError(`anvil exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new AnvilStartError(`anvil did not answer on ${url} within ${timeoutMs} ms`);
}

export async function startAnvil(params: StartAnvilParameters = {}): Promise<Anvil> {
  const port = params.port || (await freePort());
  // anvil writes state snapshots under its own tmp dir; a per-node home keeps them from piling up in ~/.foundry.
  const home = mkdtempSync(join(tmpdir(), "chainlog-anvil-"));
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(params.chainId ?? 31337)];
  // No CORS: anvil's default answers every origin with `*`, letting any web page the developer visits drive the
  // node's JSON-RPC (anvil_* included) and read the answers.
  args.push("--accounts", String(params.accounts ?? 20), "--silent", "--no-cors");
  if (params.blockTime) args.push("--block-time", String(params.blockTime));
  if (params.noMining) args.push("--no-mining");
  if (params.gasLimit) args.push("--gas-limit", params.gasLimit.toString());
  if (typeof params.pruneHistory === "number") args.push("--prune-history", String(params.pruneHistory));
  else if (params.pruneHistory) args.push("--prune-history");
  if (params.loadStatePath) args.push("--load-state", params.loadStatePath);
  if (params.dumpStatePath) args.push("--dump-state", params.dumpStatePath);
  if (params.extraArgs) args.push(...params.extraArgs);
  const child = spawn(anvilBinary(), args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, HOME: home, FOUNDRY_DISABLE_NIGHTLY_WARNING: "1" },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cleanup = () => rmSync(home, { recursive: true, force: true });
  exited.then(cleanup, cleanup);
  const rpcUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(rpcUrl, child, 20_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new AnvilStartError(`${(error as Error).message}${stderr ? `: ${stderr.trim()}` : ""}`, {
      cause: error,
    });
  }
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { rpcUrl, wsUrl: `ws://127.0.0.1:${port}`, port, process: child, stop, kill };
}
