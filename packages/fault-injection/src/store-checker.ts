import { setTimeout as sleep } from "node:timers/promises";
import { rpc, rpcBatch } from "@chainlog/devnet";
import type { Store } from "@chainlog/ports";
import { runLimited } from "./wait-for.ts";

export interface CheckReport {
  head: number;
  blocks: number;
  transactions: number;
  /** Empty when the store holds the node's chain exactly: every block and tx once, nothing extra. */
  problems: string[];
}

const PAGE = 1000;

async function allPages<T>(
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Compares the store with the node, block 0 to the node's head: each height by number and by hash, each block's
 * tx list (order and count), each tx by hash, and each sender's history against its nonce (senders never
 * receive, so the history must hold exactly nonce-many distinct txs).
 */
export async function checkStore(params: {
  rpcUrl: string;
  store: Store;
  senders: string[];
}): Promise<CheckReport> {
  const { rpcUrl, store } = params;
  const problems: string[] = [];
  const head = Number(await rpc<string>(rpcUrl, "eth_blockNumber"));
  const heights = Array.from({ length: head + 1 }, (_, n) => n);
  const nodeBlocks: { hash: string; transactions: string[] }[] = [];
  for (let i = 0; i < heights.length; i += 200)
    nodeBlocks.push(
      ...(await rpcBatch<{ hash: string; transactions: string[] }>(
        rpcUrl,
        heights.slice(i, i + 200).map((n) => ["eth_getBlockByNumber", [`0x${n.toString(16)}`, false]]),
      )),
    );

  const latest = await store.getLatestBlock();
  if (latest?.number !== head)
    problems.push(`latest block is ${latest?.number ?? "none"}, node head ${head}`);

  const allTx: string[] = [];
  await runLimited(
    heights.map((n) => async () => {
      const node = nodeBlocks[n]!;
      const [byNumber, byHash] = await Promise.all([
        store.getBlockByNumber(n),
        store.getBlockByHash(node.hash),
      ]);
      if (byNumber?.hash !== node.hash)
        problems.push(`block ${n}: store has hash ${byNumber?.hash ?? "none"}`);
      if (byHash?.number !== n)
        problems.push(`block ${node.hash}: by hash gives ${byHash?.number ?? "none"}`);
      const txs = await allPages((cursor) => store.getBlockTransactions(node.hash, { limit: PAGE, cursor }));
      const hashes = txs.map((t) => t.hash);
      if (hashes.join() !== node.transactions.join())
        problems.push(
          `block ${n}: ${hashes.length} txs in store, ${node.transactions.length} on node (or order differs)`,
        );
      allTx.push(...node.transactions);
    }),
    16,
  );
  await runLimited(
    allTx.map((hash) => async () => {
      const detail = await store.getTransaction(hash);
      if (detail?.transaction.hash !== hash) problems.push(`tx ${hash}: not found by hash`);
      else if (!detail.receipt) problems.push(`tx ${hash}: no receipt`);
    }),
    32,
  );
  for (const sender of params.senders) {
    const nonce = Number(await rpc<string>(rpcUrl, "eth_getTransactionCount", [sender, "latest"]));
    const seen = (
      await allPages((cursor) => store.getAddressTransactions(sender, { limit: PAGE, cursor }))
    ).map((t) => t.hash);
    const distinct = new Set(seen).size;
    if (distinct !== seen.length)
      problems.push(`${sender}: ${seen.length - distinct} duplicate txs in history`);
    if (seen.length !== nonce) problems.push(`${sender}: ${seen.length} txs in history, nonce ${nonce}`);
  }
  return { head, blocks: head + 1, transactions: allTx.length, problems: problems.sort() };
}

/** Re-checks until the store has caught up (no problems) or the time is up; gives the last report. */
export async function checkStoreEventually(
  params: Parameters<typeof checkStore>[0] & { timeoutMs: number },
): Promise<CheckReport> {
  const deadline = Date.now() + params.timeoutMs;
  // cheap wait for the tip first: a full pass while the store is far behind only loads the machine
  const head = Number(await rpc<string>(params.rpcUrl, "eth_blockNumber"));
  while (Date.now() < deadline) {
    const latest = await params.store.getLatestBlock().catch(() => null);
    if (latest && latest.number >= head) break;
    await sleep(1000);
  }
  for (;;) {
    let report: CheckReport;
    try {
      report = await checkStore(params);
    } catch (error) {
      report = { head: -1, blocks: 0, transactions: 0, problems: [`checker failed: ${String(error)}`] };
    }
    if (report.problems.length === 0 || Date.now() > deadline) return report;
    await sleep(2000);
  }
}
