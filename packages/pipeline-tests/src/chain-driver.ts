import { rpc, rpcBatch } from "./json-rpc.ts";

/**
 * Grows a chain at a steady pace: a batch of transfers from the node's unlocked accounts to fresh addresses,
 * then one mined block. The senders never receive, so a sender's nonce is exactly how many txs it sent.
 */
export function driveChain(rpcUrl: string, options: { txPerBlock: number; intervalMs: number }) {
  let stopped = false;
  let sent = 0;
  const loop = (async () => {
    const accounts = await rpc<string[]>(rpcUrl, "eth_accounts");
    // Explicit nonces: a node handles the calls of one batch concurrently, so it cannot number them itself.
    const nonces = await Promise.all(
      accounts.map(async (a) => Number(await rpc<string>(rpcUrl, "eth_getTransactionCount", [a, "pending"]))),
    );
    let i = 0;
    while (!stopped) {
      const calls: [string, unknown[]][] = [];
      for (let j = 0; j < options.txPerBlock; j++, i++) {
        const to = `0x${(0xbeef0000 + i).toString(16).padStart(40, "0")}`;
        const k = i % accounts.length;
        const nonce = `0x${(nonces[k]!++).toString(16)}`;
        calls.push(["eth_sendTransaction", [{ from: accounts[k], nonce, to, value: "0x1" }]]);
      }
      await rpcBatch(rpcUrl, calls);
      sent += calls.length;
      await rpc(rpcUrl, "anvil_mine", ["0x1"]);
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
    return accounts;
  })();
  return {
    get sent() {
      return sent;
    },
    /** Stops after the block in progress; resolves with the sender accounts. */
    async stop(): Promise<string[]> {
      stopped = true;
      return loop;
    },
  };
}
