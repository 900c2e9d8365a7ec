import type { Bus } from "@chainlog/ports";
import { type BusEnvelope, encodeEnvelope, Headers, Topics } from "@chainlog/tx-schema";

/** Where ingest hands its envelopes; publish resolves only once they are durably accepted, in order. */
export interface BlockSink {
  publish(envelopes: BusEnvelope[]): Promise<void>;
}

/** `leaderToken`: the fencing token of the leader's lease, stamped on every message (see leader/). */
export function createBusSink(bus: Bus, topic: string = Topics.blocks, leaderToken?: number): BlockSink {
  const stamp = leaderToken === undefined ? null : String(leaderToken);
  return {
    async publish(envelopes) {
      if (!envelopes.length) return;
      const messages = envelopes.map(encodeEnvelope);
      if (stamp !== null) for (const m of messages) m.headers[Headers.leaderToken] = stamp;
      await bus.publish(topic, messages);
    },
  };
}

/** Accepts and forgets: the benchmark measures ingest itself, not a bus. */
export function createDiscardingSink(): BlockSink & { count: number } {
  return {
    count: 0,
    async publish(envelopes) {
      this.count += envelopes.length;
    },
  };
}

/**
 * Keeps everything in memory, in publication order (tests and tools that inspect the stream); `writes` holds
 * the size of each publish.
 */
export function createCollectingSink(): BlockSink & { envelopes: BusEnvelope[]; writes: number[] } {
  const envelopes: BusEnvelope[] = [];
  const writes: number[] = [];
  return {
    envelopes,
    writes,
    async publish(batch) {
      envelopes.push(...batch);
      writes.push(batch.length);
    },
  };
}
