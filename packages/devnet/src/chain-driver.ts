import { setTimeout as sleep } from "node:timers/promises";
import { rpc, rpcBatch } from "./json-rpc.ts";

/** Explicit nonces: a node handles the calls of one batch concurrently, so it cannot number them itself. */
async function senders(rpcUrl: string) {
  const accounts = await rpc<string[]>(rpcUrl, "eth_accounts");
  const nonces = await Promise.all(
    accounts.map(async (a) => Number(await rpc<string>(rpcUrl, "eth_getTransactionCount", [a, "pending"]))),
  );
  let i = 0;
  /** One block: txPerBlock transfers from the accounts in turn to fresh addresses, then anvil_mine. */
  const mineBlock = async (txPerBlock: number) => {
    const calls: [string, unknown[]][] = [];
    for (let j = 0; j < txPerBlock; j++, i++) {
      const to = `0x${(0xbeef0000 + i).toString(16).padStart(40, "0")}`;
      const k = i % accounts.length;
      const nonce = `0x${(nonces[k]!++).toString(16)}`;
      calls.push(["eth_sendTransaction", [{ from: accounts[k], nonce, to, value: "0x1" }]]);
    }
    await rpcBatch(rpcUrl, calls);
    await rpc(rpcUrl, "anvil_mine", ["0x1"]);
    return calls.length;
  };
  return { accounts, mineBlock };
}

/**
 * Grows a chain at a steady pace on a node started with noMining. The senders never receive, so a sender's
 * nonce is exactly how many txs it sent: the checker's per-address count.
 */
export function driveChain(rpcUrl: string, options: { txPerBlock: number; intervalMs: number }) {
  let stopped = false;
  let sent = 0;
  let blocks = 0;
  const loop = (async () => {
    const { accounts, mineBlock } = await senders(rpcUrl);
    while (!stopped) {
      sent += await mineBlock(options.txPerBlock);
      blocks++;
      await sleep(options.intervalMs);
    }
    return accounts;
  })();
  return {
    get sent() {
      return sent;
    },
    get blocks() {
      return blocks;
    },
    /** Stops after the block in progress; resolves with the sender accounts. */
    async stop(): Promise<string[]> {
      stopped = true;
      return loop;
    },
  };
}

/** Builds a chain of a given size as fast as the node takes it (for the benchmark's historical sync). */
export async function buildChain(
  rpcUrl: string,
  blocks: number,
  txPerBlock: number,
): Promise<{ accounts: string[]; sent: number }> {
  const { accounts, mineBlock } = await senders(rpcUrl);
  let sent = 0;
  for (let b = 0; b < blocks; b++) sent += await mineBlock(txPerBlock);
  return { accounts, sent };
}
