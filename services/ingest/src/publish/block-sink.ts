import type { Bus } from "@chainlog/ports";
import { type BusEnvelope, encodeEnvelope, Topics } from "@chainlog/tx-schema";

/** Where ingest hands its envelopes; publish resolves only once they are durably accepted, in order. */
export interface BlockSink {
  publish(envelopes: BusEnvelope[]): Promise<void>;
}

export function createBusSink(bus: Bus, topic: string = Topics.blocks): BlockSink {
  return {
    async publish(envelopes) {
      if (envelopes.length) await bus.publish(topic, envelopes.map(encodeEnvelope));
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

/** Keeps everything in memory, in publication order (tests and tools that inspect the stream). */
export function createCollectingSink(): BlockSink & { envelopes: BusEnvelope[] } {
  const envelopes: BusEnvelope[] = [];
  return {
    envelopes,
    async publish(batch) {
      envelopes.push(...batch);
    },
  };
}
