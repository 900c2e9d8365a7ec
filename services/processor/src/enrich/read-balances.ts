import { permanentKind, type RpcCall, type RpcPool } from "@chainlog/rpc";
import { type BalanceSnapshot, NATIVE_ASSET, type TokenTransfer, type WethEvent } from "@chainlog/tx-schema";

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
  /** Reads the node could not answer (errors after retries): those snapshots are missing. */
  failed: number;
  /** Reads asked per block (0: the block touched no watched address). */
  touched: number[];
  /** The node's answer when it refused the blocks' state for good (pruned history), else null. */
  refusal: string | null;
}

/**
 * Each touched watched address's ETH and token balances at the end of each block, read at that block's hash
 * (EIP-1898) so a reorg between the event and the read cannot mix states, all blocks in one batch. A token whose
 * balanceOf reverts or answers garbage is skipped (not a fungible token). Throws NoHealthyEndpointError when no
 * endpoint answers at all.
 */
export async function readBalances(
  rpc: Pick<RpcPool, "batch">,
  blocks: readonly BalanceBlock[],
  watched: (address: string) => boolean,
): Promise<ReadBalancesResult> {
  const calls: RpcCall[] = [];
  const slots: { block: number; address: string; token: string }[] = [];
  blocks.forEach((b, i) => {
    const at = { blockHash: b.block.hash };
    for (const [address, tokens] of touchedAssets(b, watched)) {
      calls.push({ method: "eth_getBalance", params: [address as `0x${string}`, at as never] });
      slots.push({ block: i, address, token: NATIVE_ASSET });
      for (const token of [...tokens].sort()) {
        calls.push({
          method: "eth_call",
          params: [
            { to: token as `0x${string}`, data: `${BALANCE_OF}${address.slice(2).padStart(64, "0")}` },
            at as never,
          ],
        });
        slots.push({ block: i, address, token });
      }
    }
  });
  const snapshots: BalanceSnapshot[][] = blocks.map(() => []);
  const touched = blocks.map(() => 0);
  for (const slot of slots) touched[slot.block] = (touched[slot.block] ?? 0) + 1;
  if (calls.length === 0) return { snapshots, failed: 0, touched, refusal: null };
  const answers = await rpc.batch(calls);
  let failed = 0;
  let refusal: string | null = null;
  slots.forEach((slot, j) => {
    const a = answers[j];
    const b = blocks[slot.block] as BalanceBlock;
    if (!a?.ok) {
      // A revert of balanceOf means "not an ERC-20", not a failure to read; pruned state is a refusal.
      const kind = a ? permanentKind(a.error) : null;
      if (kind === "missing-state") refusal ??= a!.error.message;
      else if (kind !== "reverted") failed += 1;
      return;
    }
    if (typeof a.value !== "string" || !UINT.test(a.value)) return;
    snapshots[slot.block]?.push({
      address: slot.address,
      token: slot.token,
      balance: BigInt(a.value).toString(),
      blockNumber: b.block.number,
      blockHash: b.block.hash,
      timestamp: b.block.timestamp,
    });
  });
  return { snapshots, failed, touched, refusal };
}
