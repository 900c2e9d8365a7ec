import type { ChainWriter } from "@chainlog/ports";
import type { ProcessorStatus } from "@chainlog/tx-schema";

type Heights = NonNullable<ProcessorStatus["heights"]>;

/** Heights a reorg may have rewritten are scanned again each time. */
const RECHECK = 64;
const PAGE = 5_000;

/**
 * "Complete below" for the status: from the lowest stored block up, the first height not stored (raw) and the
 * first not enriched. Each scan starts a little below the last result (a reorg can reopen a height), so its
 * cost follows what changed, not the size of the store.
 */
export function createHeightWatch(store: Pick<ChainWriter, "getHeights">, maxRows = 50_000) {
  let last: Heights | null = null;
  return {
    last: () => last,
    async scan(): Promise<Heights | null> {
      const first = await store.getHeights(0, 1);
      if (first.length === 0) {
        last = null;
        return null;
      }
      const lowest = first[0]!.number;
      let raw = Math.max(lowest, (last?.enriched ?? lowest) - RECHECK);
      let enriched = raw;
      let highest = last?.highest ?? lowest;
      let rawOpen = true;
      let enrichedOpen = true;
      for (let from = raw, read = 0; (rawOpen || enrichedOpen) && read < maxRows; ) {
        const page = await store.getHeights(from, PAGE);
        read += page.length;
        for (const h of page) {
          highest = Math.max(highest, h.number);
          if (rawOpen && h.number === raw) raw += 1;
          else rawOpen = false;
          if (enrichedOpen && h.number === enriched && h.enriched) enriched += 1;
          else enrichedOpen = false;
        }
        if (page.length < PAGE) {
          rawOpen = false;
          enrichedOpen = false;
        } else from = page[page.length - 1]!.number + 1;
      }
      // a scan cut short keeps the highest it knew; the next one goes on from the enriched watermark
      last = { lowest, raw, enriched: Math.min(enriched, raw), highest: Math.max(highest, raw - 1) };
      return last;
    },
  };
}
