export type SearchTarget =
  | { kind: "block"; number: number }
  | { kind: "tx"; hash: string }
  | { kind: "address"; address: string }
  | { kind: "symbol"; symbol: string }
  | { kind: "invalid"; message: string };

/** Decides what a search box entry names from its shape alone, so a search costs no request. */
export function classifySearch(input: string): SearchTarget {
  const q = input.trim().replace(/,/g, "");
  if (q === "")
    return { kind: "invalid", message: "Enter a block number, transaction hash, address or token symbol." };
  if (/^#?\d+$/.test(q)) {
    const number = Number(q.replace("#", ""));
    if (!Number.isSafeInteger(number)) return { kind: "invalid", message: "That block number is too large." };
    return { kind: "block", number };
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) return { kind: "tx", hash: q.toLowerCase() };
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return { kind: "address", address: q.toLowerCase() };
  if (/^0x[0-9a-fA-F]*$/.test(q))
    return {
      kind: "invalid",
      message: `A hex value of ${q.length - 2} digits is neither a transaction hash (64) nor an address (40).`,
    };
  // Token symbols: letters and digits with a few marks (USDC, 1INCH, USDC.e, $PEPE), at least one letter.
  if (/^[\p{L}\p{N}$._+-]{1,32}$/u.test(q) && /\p{L}/u.test(q)) return { kind: "symbol", symbol: q };
  return { kind: "invalid", message: "Not a block number, transaction hash, address or token symbol." };
}

export function searchPath(target: Exclude<SearchTarget, { kind: "invalid" }>): string {
  if (target.kind === "block") return `/block/${target.number}`;
  if (target.kind === "tx") return `/tx/${target.hash}`;
  if (target.kind === "symbol") return `/search?q=${encodeURIComponent(target.symbol)}`;
  return `/address/${target.address}`;
}
