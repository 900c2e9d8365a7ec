import { chunkBySize, type OutgoingMessage } from "@chainlog/ports";

/**
 * Kafka refuses a record batch over the topic's max.message.bytes, and one send() is one batch per partition:
 * a burst of large blocks must go out as several sends, in order. The budget counts uncompressed bytes, so it
 * holds whatever the compression achieves.
 */
export const PUBLISH_CHUNK_BYTES = 900_000;

export function messageBytes(m: OutgoingMessage): number {
  let n = Buffer.byteLength(m.key) + m.value.length + 64;
  for (const [k, v] of Object.entries(m.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return n;
}

/** Splits messages into consecutive chunks under the budget; a single larger message travels alone. */
export function chunkByBytes(messages: OutgoingMessage[], budget = PUBLISH_CHUNK_BYTES): OutgoingMessage[][] {
  return chunkBySize(messages, messageBytes, budget);
}
