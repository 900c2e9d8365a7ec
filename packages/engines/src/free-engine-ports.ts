import type { StartEnginesParameters } from "./options.ts";
import { assertPortFree, freePort } from "./process/ports.ts";

/** Free ports for a test run (Kafka needs 2 per broker in a row, JMX one per 100), so it never collides with a developer's engines on the default ports. */
export async function freeEnginePorts(
  nodes: 1 | 3,
): Promise<
  Pick<
    StartEnginesParameters,
    "kafkaPort" | "cassandraPort" | "cassandraStoragePort" | "cassandraJmxPort" | "mongoPort"
  >
> {
  const kafkaPort = await consecutiveFree(2 * nodes, 1);
  const cassandraJmxPort = await consecutiveFree(nodes, 100);
  return {
    kafkaPort,
    cassandraPort: await freePort(),
    cassandraStoragePort: await freePort(),
    cassandraJmxPort,
    mongoPort: await freePort(),
  };
}

async function consecutiveFree(count: number, step: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    try {
      for (let i = 0; i < count; i++) await assertPortFree("127.0.0.1", base + i * step, "test");
      return base;
    } catch {
      // taken: try another base
    }
  }
  throw new Error("no free port range found");
}
