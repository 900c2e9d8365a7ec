import type { ReadModel } from "@chainlog/ports";
import type { TokenMetadata } from "@chainlog/tx-schema";

/** Addresses of the tokens a set of rows references (transfers, approvals, WETH events, swap legs). */
export function referencedTokens(rows: {
  tokenTransfers?: readonly { token: string }[];
  approvals?: readonly { token: string }[];
  wethEvents?: readonly { token: string }[];
  swaps?: readonly { token0: string | null; token1: string | null }[];
}): Set<string> {
  const out = new Set<string>();
  for (const t of rows.tokenTransfers ?? []) out.add(t.token);
  for (const a of rows.approvals ?? []) out.add(a.token);
  for (const w of rows.wethEvents ?? []) out.add(w.token);
  for (const s of rows.swaps ?? []) {
    if (s.token0) out.add(s.token0);
    if (s.token1) out.add(s.token1);
  }
  return out;
}

/** `{ [address]: TokenMetadata }` for the known ones; no store round trip when nothing is referenced. */
export async function tokenMap(
  store: ReadModel,
  addresses: Set<string>,
): Promise<Record<string, TokenMetadata>> {
  if (addresses.size === 0) return {};
  const found = await store.getTokens([...addresses]);
  const out: Record<string, TokenMetadata> = {};
  for (const [address, token] of found) out[address] = token;
  return out;
}
