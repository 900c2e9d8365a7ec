import { randomBytes } from "node:crypto";

/**
 * A KRaft cluster id: 16 random bytes in base64url, as Kafka's own Uuid.randomUuid. Like it, never one starting
 * with "-": the storage tool's argument parser would take such an id for an option and refuse to format.
 */
export function newKafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}
