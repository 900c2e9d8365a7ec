import type { IngestStatus } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { CATCHING_UP_BLOCKS, ingestCatchingUp } from "./create-enricher.ts";

const report = (o: Partial<IngestStatus>): IngestStatus => ({
  service: "ingest",
  instance: "ingest-0",
  updatedAt: Date.now(),
  leader: true,
  head: 1_000,
  published: 1_000,
  lagBlocks: 0,
  failovers: 0,
  lastProgressAt: Date.now(),
  endpoints: [],
  blockedBy: null,
  ...o,
});

describe("ingestCatchingUp", () => {
  it("is true while the leader's published block is far below the node's head", () => {
    expect(ingestCatchingUp([report({ published: 1_000 - CATCHING_UP_BLOCKS - 1 })])).toBe(true);
    // nothing published yet on a long chain: backfilling from the start
    expect(ingestCatchingUp([report({ published: null })])).toBe(true);
  });

  it("is false at the head, for a standby, a blocked ingest, an unknown head, or no report at all", () => {
    expect(ingestCatchingUp([report({ published: 1_000 - CATCHING_UP_BLOCKS })])).toBe(false);
    expect(ingestCatchingUp([report({ leader: false, published: 10 })])).toBe(false);
    expect(ingestCatchingUp([report({ published: 10, blockedBy: "parent of block 11 unavailable" })])).toBe(
      false,
    );
    expect(ingestCatchingUp([report({ head: null, published: null })])).toBe(false);
    expect(ingestCatchingUp([])).toBe(false);
  });

  it("reads the leader among several reports", () => {
    expect(
      ingestCatchingUp([
        report({ instance: "a", leader: false, published: 1_000 }),
        report({ published: 5 }),
      ]),
    ).toBe(true);
  });
});
