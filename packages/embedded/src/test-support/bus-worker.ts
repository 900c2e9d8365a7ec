/*
 * A separate process on the same bus file, for the cross-process tests. Prints one line per event on stdout:
 *   publish <path> <topic> <count>   → "acked <i>" after each single-message publish resolved (count 0: forever)
 *   consume <path> <topic> <group>   → "batch <first offset> <last offset>" and then hangs inside the handler
 */
import { createSqliteBus } from "../sqlite-bus.ts";

const [mode, path, topic, arg] = process.argv.slice(2);
if (!mode || !path || !topic) throw new Error("usage: bus-worker publish|consume <path> <topic> <arg>");
const bus = createSqliteBus({ path, sessionTimeoutMs: 30_000 });
await bus.ensureTopics([{ name: topic, partitions: 3 }]);

if (mode === "publish") {
  const count = Number(arg ?? 0);
  for (let i = 0; count === 0 || i < count; i++) {
    await bus.publish(topic, [
      {
        key: `k${i % 5}`,
        value: Buffer.from(JSON.stringify({ i, pid: process.pid })),
        headers: { i: String(i) },
      },
    ]);
    process.stdout.write(`acked ${i}\n`);
  }
  await bus.close();
} else if (mode === "consume") {
  // A handler that never settles holds no event-loop handle: keep the process alive the way a server would.
  setInterval(() => {}, 1 << 30);
  await bus.consume({
    topic,
    group: arg ?? "worker",
    maxBatchSize: 5,
    onBatch: async (batch) => {
      process.stdout.write(
        `batch ${batch[0]!.partition} ${batch[0]!.offset} ${batch[batch.length - 1]!.offset}\n`,
      );
      await new Promise(() => {});
    },
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
