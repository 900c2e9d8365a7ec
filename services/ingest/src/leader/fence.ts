import type { BlockSink } from "../publish/block-sink.ts";
import type { CursorStore } from "../publish/cursor-store.ts";
import type { LeaderTerm } from "./leader-election.ts";

/**
 * What a term publishes goes out only while its lease is surely held. A write that passed the check and then
 * stalled past the term's end still carries the term's token (the bus sink stamps it on every message), so a
 * reader tells it from the next leader's.
 */
export function fenceSink(sink: BlockSink, term: Pick<LeaderTerm, "assertHeld">): BlockSink {
  return {
    async publish(envelopes) {
      term.assertHeld();
      await sink.publish(envelopes);
    },
  };
}

/** The cursor is written only while the lease is held: a deposed leader never moves its successor's cursor. */
export function fenceCursor(cursor: CursorStore, term: Pick<LeaderTerm, "assertHeld">): CursorStore {
  return {
    load: () => cursor.load(),
    async save(tip, recent) {
      term.assertHeld();
      await cursor.save(tip, recent);
    },
  };
}
