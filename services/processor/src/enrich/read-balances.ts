import { type BalanceSnapshot, NATIVE_ASSET, type TokenTransfer, type WethEvent } from "@chainlog/tx-schema";
import type { RpcCall } from "../rpc/json-rpc-batch.ts";
import type { RpcClient } from "../rpc/rpc-client.ts";

export interface BalanceBlock {
  block: { number: number; hash: string; timestamp: number };
  transactions: readonly { from: string; to: string | null }[];
  tokenTransfers: readonly TokenTransfer[];
  wethEvents: readonly WethEvent[];
}

/** Watched addresses a block touched, with the ERC-20s it may have moved for each (ETH is always read). */
export function touchedAssets(
  b: BalanceBlock,
  watched: (address: string) => boolean,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const touch = (address: string | null, token?: string) => {
    if (!address) return;
    const a = address.toLowerCase();
    if (!watched(a)) return;
    const tokens = out.get(a) ?? new Set<string>();
    out.set(a, tokens);
    if (token) tokens.add(token);
  };
  for (const tx of b.transactions) {
    touch(tx.from);
    touch(tx.to);
  }
  for (const t of b.tokenTransfers) {
    // ERC-721/1155 holdings are counts or per-id; the portfolio is ETH and fungible tokens.
    const token = t.standard === "erc20" ? t.token : undefined;
    touch(t.from, token);
    touch(t.to, token);
  }
  for (const w of b.wethEvents) touch(w.account, w.token);
  return out;
}

const BALANCE_OF = "0x70a08231";
const UINT = /^0x[0-9a-fA-F]{1,64}$/;

export interface ReadBalancesResult {
  snapshots: BalanceSnapshot[][];
  /** Reads the node refused (pruned state, errors after retries): those snapshots are missing. */
  failed: number;
}

/**
 * Each touched watched address's ETH and token balances at the end of each block, read at that block's hash
 * (EIP-1898) so a reorg between the event and the read cannot mix states, all blocks in one batch. A token whose
 * balanceOf reverts or answers garbage is skipped (not a fungible token). Throws RpcUnavailableError when the
 * node does not answer at all.
 */
export async function readBalances(
  rpc: RpcClient,
  blocks: readonly BalanceBlock[],
  watched: (address: string) => boolean,
): Promise<ReadBalancesResult> {
  const calls: RpcCall[] = [];
  const slots: { block: number; address: string; token: string }[] = [];
  blocks.forEach((b, i) => {
    const at = { blockHash: b.block.hash };
    for (const [address, tokens] of touchedAssets(b, watched)) {
      calls.push({ method: "eth_getBalance", params: [address, at] });
      slots.push({ block: i, address, token: NATIVE_ASSET });
      for (const token of [...tokens].sort()) {
        calls.push({
          method: "eth_call",
          params: [{ to: token, data: `${BALANCE_OF}${address.slice(2).padStart(64, "0")}` }, at],
        });
        slots.push({ block: i, address, token });
      }
    }
  });
  const snapshots: BalanceSnapshot[][] = blocks.map(() => []);
  if (calls.length === 0) return { snapshots, failed: 0 };
  const answers = await rpc.batch(calls);
  let failed = 0;
  slots.forEach((slot, j) => {
    const a = answers[j];
    const b = blocks[slot.block] as BalanceBlock;
    if (!a?.ok) {
      // A revert of balanceOf means "not an ERC-20", not a failure to read.
      if (!(a && /revert/i.test(a.message))) failed += 1;
      return;
    }
    if (typeof a.result !== "string" || !UINT.test(a.result)) return;
    snapshots[slot.block]?.push({
      address: slot.address,
      token: slot.token,
      balance: BigInt(a.result).toString(),
      blockNumber: b.block.number,
      blockHash: b.block.hash,
      timestamp: b.block.timestamp,
    });
  });
  return { snapshots, failed };
}
