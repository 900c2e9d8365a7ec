import { z } from "zod";

/** JSON-RPC QUANTITY: 0x-hex, at most 256 bits. Leading zeros are tolerated (some providers send them). */
export const QUANTITY_PATTERN = /^0x[0-9a-fA-F]{1,64}$/;
export const RpcQuantity = z.string().regex(QUANTITY_PATTERN, "expected a 0x-hex quantity");

export function quantityToDecimal(q: string): string {
  return BigInt(q).toString(10);
}

/** For fields that must fit a JS number (block numbers, indexes, timestamps). */
export function quantityToSafeInt(q: string, field: string): number {
  const n = BigInt(q);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${field} ${q} exceeds 2^53`);
  return Number(n);
}
