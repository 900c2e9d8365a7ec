import { EtherscanError, MESSAGES } from "./envelope.ts";

/** Etherscan's query string, every value as sent (validated per action, so errors are Etherscan's). */
export type EtherscanQuery = Record<string, string | undefined>;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const DECIMAL_RE = /^[0-9]{1,15}$/;
/** Etherscan pages at most 10,000 rows deep (page × offset). */
export const MAX_WINDOW = 10_000;

export function address(value: string | undefined, message: string = MESSAGES.address): string {
  if (!value || !ADDRESS_RE.test(value)) throw new EtherscanError(message);
  return value.toLowerCase();
}

export function optionalAddress(value: string | undefined, message: string): string | null {
  return value === undefined || value === "" ? null : address(value, message);
}

export function txHash(value: string | undefined): string {
  if (!value || !HASH_RE.test(value)) throw new EtherscanError(MESSAGES.txhash);
  return value.toLowerCase();
}

/** A decimal parameter (block numbers, timestamps): absent → fallback; malformed → Etherscan's "Invalid …". */
export function decimal(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  if (!DECIMAL_RE.test(value)) throw new EtherscanError(`Error! Invalid ${name}`);
  return Number(value);
}

/** A block bound of getLogs and the proxy: decimal, 0x-hex, or "latest" (→ `latest`). */
export function blockBound(
  value: string | undefined,
  name: string,
  latest: number,
  fallback: number,
): number {
  if (value === undefined || value === "") return fallback;
  if (value === "latest") return latest;
  if (/^0x[0-9a-fA-F]{1,13}$/.test(value)) return Number.parseInt(value.slice(2), 16);
  return decimal(value, name, fallback);
}

export interface Paging {
  page: number;
  offset: number;
  sort: "asc" | "desc";
  /** Rows to skip, then take `offset`. */
  skip: number;
}

/**
 * page/offset/sort as Etherscan reads them: page from 1, offset the page size (default: the whole 10,000-row
 * window), sort asc (oldest first) by default; page × offset beyond 10,000 is refused.
 */
export function paging(query: EtherscanQuery, maxOffset = MAX_WINDOW): Paging {
  const page = decimal(query.page, "page number", 1);
  const offset = decimal(query.offset, "offset", maxOffset);
  if (page < 1) throw new EtherscanError("Error! Invalid page number");
  if (offset < 1 || offset > maxOffset) throw new EtherscanError("Error! Invalid offset");
  if (page * offset > MAX_WINDOW) throw new EtherscanError(MESSAGES.window);
  const sort = query.sort || "asc";
  if (sort !== "asc" && sort !== "desc") throw new EtherscanError("Error! Invalid sort order");
  return { page, offset, sort, skip: (page - 1) * offset };
}
