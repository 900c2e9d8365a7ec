/*
 * SqliteBus publish and consume throughput against a bare INSERT loop of the same messages into the same engine
 * (same pragmas, one transaction per batch). Run: node --import tsx packages/embedded/src/bus.bench.ts [messages]
 */
import { join } from "node:path";
import { openDatabase, prepareRaw, writeTransaction } from "./sqlite.ts";
import { createSqliteBus } from "./sqlite-bus.ts";
import { tempDir } from "./temp-dir.ts";

const MESSAGES = Number(process.argv[2] ?? 20_000);
const BATCH = 100;
const value = Buffer.alloc(2_048, 7);
const messages = Array.from({ length: MESSAGES }, (_, i) => ({
  key: `1:${Math.floor(i / 4)}`,
  value,
  headers: { "chainlog-schema": "2", "chainlog-kind": "block" },
}));

const tmp = tempDir("chainlog-bench-");
try {
  const bare = openDatabase(join(tmp.dir, "bare.db"));
  bare.exec("CREATE TABLE m (k BLOB, v BLOB, h TEXT, ts INTEGER)");
  const insert = prepareRaw(bare, "INSERT INTO m VALUES (?, ?, ?, ?)");
  let start = performance.now();
  for (let i = 0; i < MESSAGES; i += BATCH)
    writeTransaction(bare, () => {
      for (const m of messages.slice(i, i + BATCH))
        insert.run([Buffer.from(m.key), m.value, JSON.stringify(m.headers), Date.now()]);
    });
  const bareMs = performance.now() - start;
  bare.close();

  const bus = createSqliteBus({ path: join(tmp.dir, "bus.db"), retentionIntervalMs: 0 });
  await bus.ensureTopics([{ name: "bench", partitions: 8 }]);
  start = performance.now();
  for (let i = 0; i < MESSAGES; i += BATCH) await bus.publish("bench", messages.slice(i, i + BATCH));
  const publishMs = performance.now() - start;

  start = performance.now();
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    void bus.consume({
      topic: "bench",
      group: "bench",
      maxBatchSize: 500,
      onBatch: async (batch) => {
        seen += batch.length;
        if (seen >= MESSAGES) resolve();
      },
    });
  });
  await done;
  const consumeMs = performance.now() - start;
  await bus.close();

  const perS = (ms: number) => Math.round(MESSAGES / (ms / 1000));
  console.log(
    JSON.stringify(
      {
        bench: "SqliteBus",
        messages: MESSAGES,
        valueBytes: value.length,
        publishBatch: BATCH,
        bareInsertLoop: { ms: Math.round(bareMs), perS: perS(bareMs) },
        publish: {
          ms: Math.round(publishMs),
          perS: perS(publishMs),
          ratio: Number((publishMs / bareMs).toFixed(2)),
        },
        consumeAndCommit: { ms: Math.round(consumeMs), perS: perS(consumeMs) },
      },
      null,
      2,
    ),
  );
  console.log(
    `publish takes ${(publishMs / bareMs).toFixed(2)}x the time of a bare INSERT loop of the same messages`,
  );
} finally {
  tmp.remove();
}
