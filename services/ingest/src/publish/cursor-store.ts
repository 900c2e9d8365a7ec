import type { OperationalState } from "@chainlog/ports";
import { type BlockRef, IngestCursor } from "@chainlog/tx-schema";

export interface CursorStore {
  load(): Promise<IngestCursor | null>;
  save(tip: BlockRef | undefined, recent: BlockRef[]): Promise<void>;
}

export function cursorName(chainId: number): string {
  return `ingest:${chainId}`;
}

/** The ingest cursor in the operational state; saved only after the sink acknowledged the blocks it names. */
export function createStoreCursor(
  store: Pick<OperationalState, "getCursor" | "setCursor">,
  chainId: number,
): CursorStore {
  const name = cursorName(chainId);
  return {
    async load() {
      const c = await store.getCursor(name);
      return c ? IngestCursor.parse(c) : null;
    },
    async save(tip, recent) {
      if (!tip) return;
      await store.setCursor(name, {
        chainId,
        tip,
        recent: recent.filter((r) => r.number < tip.number),
        updatedAt: Date.now(),
      });
    },
  };
}
