import type { TokenStandard, TokenTransfer } from "@chainlog/tx-schema";

/**
 * What an address holds of one ERC-20 token, or of one ERC-721/1155 token id, by the indexed transfers: in minus
 * out since the first indexed block. Negative when the address received it before the indexed range.
 */
export interface TokenHolding {
  address: string;
  token: string;
  standard: TokenStandard;
  /** null for ERC-20. */
  tokenId: string | null;
  /** Decimal, signed. */
  balance: string;
}

/** The most holdings one getAddressHoldings call returns. */
export const MAX_HOLDINGS_READ = 10_000;

/** A getAddressHoldings limit both adapters accept, or a RangeError. */
export function holdingsLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HOLDINGS_READ)
    throw new RangeError(`holdings limit must be an integer from 1 to ${MAX_HOLDINGS_READ}`);
  return limit;
}

/** One (address, token, token id)'s net change in a set of transfers. */
export interface HoldingDelta {
  address: string;
  token: string;
  standard: TokenStandard;
  tokenId: string | null;
  delta: bigint;
}

/** The key both adapters store a holding under: token ids as 64 hex digits, so text order is numeric order. */
export function holdingIdKey(tokenId: string | null): string {
  return tokenId === null ? "" : BigInt(tokenId).toString(16).padStart(64, "0");
}

export function tokenIdOfKey(key: string): string | null {
  return key === "" ? null : BigInt(`0x${key}`).toString();
}

/**
 * Net change per (address, token, token id) of a block's transfers, zero nets left out (a transfer to oneself, or
 * out and back within the block). What a store adds on write and takes away on rollback.
 */
export function holdingDeltas(transfers: Iterable<TokenTransfer>): HoldingDelta[] {
  const out = new Map<string, HoldingDelta>();
  const add = (address: string, t: TokenTransfer, delta: bigint) => {
    const tokenId = t.standard === "erc20" ? null : (t.tokenId ?? "0");
    const key = `${address}/${t.token}/${tokenId ?? ""}`;
    const held = out.get(key);
    if (held) held.delta += delta;
    else out.set(key, { address, token: t.token, standard: t.standard, tokenId, delta });
  };
  for (const t of transfers) {
    const value = BigInt(t.value);
    add(t.from, t, -value);
    add(t.to, t, value);
  }
  return [...out.values()].filter((d) => d.delta !== 0n);
}
