import { setTimeout as sleep } from "node:timers/promises";
import { rpc } from "../json-rpc.ts";
import { type RunWorkloadParameters, runWorkload, type WorkloadStats } from "./run-workload.ts";

export interface BuildWorkloadChainParameters {
  /** A node started with automine off (startAnvil({ noMining: true })): this builder decides when blocks close. */
  rpcUrl: string;
  blocks: number;
  /** Transactions per block at least (a block closes once this many are pending; a few more may slip in). */
  txPerBlock: number;
  /** Send rate of the workload while building. Default 1,500/s (anvil takes ~1.1–1.5k unlocked tx/s). */
  txPerSecond?: number;
  /** Told the workload's contracts and accounts once they are deployed (WETH and stablecoin for prices). */
  onReady?: RunWorkloadParameters["onReady"];
}

export interface BuiltWorkloadChain {
  head: number;
  /** Blocks holding the workload's traffic (after its set-up blocks). */
  trafficBlocks: number;
  transactions: number;
  stats: WorkloadStats;
}

/**
 * A chain of the devnet workload's mix (ETH, ERC-20/721/1155, WETH, Uniswap-V2 swaps) with `txPerBlock`
 * transactions per block, as fast as the node takes them: the workload sends, and a block is mined whenever
 * enough transactions are pending (every pending one while the workload deploys its contracts).
 */
export async function buildWorkloadChain(params: BuildWorkloadChainParameters): Promise<BuiltWorkloadChain> {
  const abort = new AbortController();
  let ready = false;
  let setupHead = 0;
  const workload = runWorkload({
    rpcUrl: params.rpcUrl,
    txPerSecond: params.txPerSecond ?? 1_500,
    maxInFlight: 256,
    signal: abort.signal,
    onReady: (contracts, accounts) => {
      ready = true;
      params.onReady?.(contracts, accounts);
    },
  });
  let failure: unknown;
  workload.catch((error) => {
    failure = error;
  });
  const pending = async () =>
    Number(BigInt((await rpc<{ pending: string }>(params.rpcUrl, "txpool_status")).pending));
  let traffic = 0;
  while (traffic < params.blocks) {
    if (failure) throw failure;
    const waiting = await pending();
    if (!ready) {
      if (waiting > 0) await rpc(params.rpcUrl, "anvil_mine", ["0x1"]);
      else await sleep(20);
      setupHead = Number(BigInt(await rpc<string>(params.rpcUrl, "eth_blockNumber")));
      continue;
    }
    if (waiting >= params.txPerBlock) {
      await rpc(params.rpcUrl, "anvil_mine", ["0x1"]);
      traffic += 1;
    } else await sleep(5);
  }
  abort.abort();
  const stats = await workload;
  // what was sent after the last block closed goes into one more block, so nothing stays pending
  if ((await pending()) > 0) await rpc(params.rpcUrl, "anvil_mine", ["0x1"]);
  const head = Number(BigInt(await rpc<string>(params.rpcUrl, "eth_blockNumber")));
  let transactions = 0;
  for (let n = setupHead + 1; n <= head; n++)
    transactions += (
      await rpc<{ transactions: string[] }>(params.rpcUrl, "eth_getBlockByNumber", [
        `0x${n.toString(16)}`,
        false,
      ])
    ).transactions.length;
  return { head, trafficBlocks: head - setupHead, transactions, stats };
}
