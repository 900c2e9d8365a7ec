import type { Page, PageQuery } from "@chainlog/ports";
import { EtherscanError } from "./envelope.ts";
import type { Paging } from "./params.ts";

/** Rows one answer may look at before it gives up: bounds the work of a request (rows are in store pages). */
export const SCAN_LIMIT = 100_000;
const STORE_PAGE = 1000;

/**
 * One Etherscan page of a newest-first store listing, restricted to [fromBlock, toBlock]: the store pages by
 * cursor, Etherscan by page/offset in either order. Descending reads only as deep as the page; ascending must
 * reach the oldest row of the range first, so it reads the whole range (at most SCAN_LIMIT rows).
 */
export async function pageOfRange<T extends { blockNumber: number }>(
  list: (page: PageQuery) => Promise<Page<T>>,
  range: { fromBlock: number; toBlock: number },
  paging: Paging,
  keep: (row: T) => boolean = () => true,
): Promise<T[]> {
  const wanted = paging.skip + paging.offset;
  const rows: T[] = [];
  let scanned = 0;
  let cursor: string | null = null;
  do {
    // A first descending page of 25 rows should not read 1000: ask for what the answer needs, then full pages.
    const limit = cursor === null && paging.sort === "desc" ? Math.min(STORE_PAGE, wanted) : STORE_PAGE;
    const page: Page<T> = await list({ limit, cursor });
    for (const row of page.items) {
      if (row.blockNumber < range.fromBlock) return cut(rows, paging);
      if (row.blockNumber <= range.toBlock && keep(row)) {
        rows.push(row);
        if (paging.sort === "desc" && rows.length >= wanted) return cut(rows, paging);
      }
    }
    scanned += page.items.length;
    if (scanned >= SCAN_LIMIT && page.nextCursor)
      throw new EtherscanError(
        `Error! More than ${SCAN_LIMIT} records to scan; narrow startblock/endblock or use sort=desc`,
      );
    cursor = page.nextCursor;
  } while (cursor);
  return cut(rows, paging);
}

function cut<T>(newestFirst: T[], paging: Paging): T[] {
  const ordered = paging.sort === "desc" ? newestFirst : newestFirst.reverse();
  return ordered.slice(paging.skip, paging.skip + paging.offset);
}
