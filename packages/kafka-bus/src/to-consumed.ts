import type { ConsumedMessage } from "@chainlog/ports";
import type { KafkaMessage } from "kafkajs";
import { headersToStrings } from "./headers.ts";

export function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: m.key ? m.key.toString("utf8") : "",
    value: m.value ?? Buffer.alloc(0),
    headers: headersToStrings(m.headers),
  };
}

/** Splits a fetched batch so no onBatch call holds more than `size` messages. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
