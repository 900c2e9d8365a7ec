import { rpc } from "@chainlog/devnet";
import type { Bus } from "@chainlog/ports";
import { waitFor as waitUntilHolds } from "@chainlog/ports/contract";
import {
  type BlockEnvelope,
  blockFromRpc,
  encodeEnvelope,
  type RollbackEnvelope,
  receiptsFromRpc,
  Topics,
} from "@chainlog/tx-schema";

/**
 * Reads blocks from a real node and turns them into bus envelopes with the shared RPC validators: the same
 * conversion ingest does, minus its pool, retries and reorg tracking, which these tests do not exercise.
 */
export async function readBlockEnvelope(
  rpcUrl: string,
  number: number,
  chainId: number,
): Promise<BlockEnvelope> {
  const tag = `0x${number.toString(16)}`;
  const raw = await rpc<unknown>(rpcUrl, "eth_getBlockByNumber", [tag, true]);
  const { block, transactions } = blockFromRpc(raw);
  const rawReceipts = await rpc<unknown>(rpcUrl, "eth_getBlockReceipts", [tag]);
  const { receipts, logs } = receiptsFromRpc(rawReceipts, block, transactions);
  return { kind: "block", chainId, block, transactions, receipts, logs };
}

export async function publishRange(
  bus: Bus,
  rpcUrl: string,
  from: number,
  to: number,
  chainId = 31337,
): Promise<BlockEnvelope[]> {
  const envelopes: BlockEnvelope[] = [];
  for (let n = from; n <= to; n++) envelopes.push(await readBlockEnvelope(rpcUrl, n, chainId));
  await bus.publish(Topics.blocks, envelopes.map(encodeEnvelope));
  return envelopes;
}

export async function publishRollback(bus: Bus, env: RollbackEnvelope): Promise<void> {
  await bus.publish(Topics.blocks, [encodeEnvelope(env)]);
}

/** The contract suites' waitFor (vitest's vi.waitFor), with the timeout before the name as this suite passes it. */
export function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = "condition") {
  return waitUntilHolds(check, what, timeoutMs, 50);
}
