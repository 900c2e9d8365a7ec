import { EngineStartError } from "./errors.ts";
import type { StartEnginesParameters } from "./options.ts";
import { assertPortFree } from "./process/ports.ts";

type EnginePorts = Pick<
  StartEnginesParameters,
  "kafkaPort" | "cassandraPort" | "cassandraStoragePort" | "cassandraJmxPort" | "mongoPort"
>;

/**
 * Free ports for a test run, so it never collides with a developer's engines on the defaults. Taken below
 * Linux's ephemeral range (32768+): a port there can be grabbed by any outgoing connection between this check
 * and the engine binding it (seen with a Kafka broker on a busy machine).
 */
export async function freeEnginePorts(nodes: 1 | 3): Promise<EnginePorts> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // a block of 1000 ports: Kafka 2 per broker at +0, CQL +10, storage +11, mongo +12, JMX +100·i from +500
    const base = 10_000 + 1000 * Math.floor(Math.random() * 22);
    const ports = {
      kafkaPort: base,
      cassandraPort: base + 10,
      cassandraStoragePort: base + 11,
      mongoPort: base + 12,
      cassandraJmxPort: base + 500,
    };
    const wanted = [ports.cassandraPort, ports.cassandraStoragePort, ports.mongoPort];
    for (let i = 0; i < nodes; i++) wanted.push(base + 2 * i, base + 2 * i + 1, base + 500 + 100 * i);
    try {
      for (const port of wanted) await assertPortFree("127.0.0.1", port, "test");
      return ports;
    } catch {
      // taken: try another block
    }
  }
  throw new EngineStartError("no free block of ports found below 32768");
}
