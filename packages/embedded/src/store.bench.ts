/*
 * writeBlocks throughput against a bare INSERT loop of the same records into the same engine (same pragmas, one
 * transaction per batch). Run: node --import tsx packages/embedded/src/store.bench.ts [blocks] [txsPerBlock]
 */
import { join } from "node:path";
import type { IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/fixtures";
import { openDatabase, prepareRaw, writeTransaction } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { tempDir } from "./temp-dir.ts";

const BLOCKS = Number(process.argv[2] ?? 400);
const TXS = Number(process.argv[3] ?? 150);
const BATCH = 10;

function makeBlocks(): IndexedBlock[] {
  const accounts = Array.from({ length: 500 }, (_, i) => addressOf(`bench${i}`));
  const token = addressOf("bench-token");
  const pick = (n: number) => accounts[n % accounts.length]!;
  return Array.from({ length: BLOCKS }, (_, b) =>
    buildBlock({
      number: b + 1,
      txs: Array.from({ length: TXS }, (_, i) => {
        const from = pick(b * 7 + i * 13);
        const to = pick(b * 11 + i * 17 + 1);
        // A third are ERC-20 transfers (a log and a token transfer each), like a busy mainnet block.
        return i % 3 === 0
          ? { from, to: token, transfers: [{ token, from, to, value: String(i + 1) }] }
          : { from, to };
      }),
    }),
  );
}

/** CPU time of this process, apart from time spent waiting on the disk (fsync), which a shared machine skews. */
let lastCpuMs = 0;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const records = (b: IndexedBlock) =>
  1 + b.transactions.length + b.receipts.length + b.logs.length + b.tokenTransfers.length;

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

async function measureStore(dir: string, blocks: IndexedBlock[]): Promise<number> {
  const store = createSqliteStore({ path: join(dir, "store.db") });
  await store.migrate();
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (const batch of batches(blocks)) await store.writeBlocks(batch);
  const ms = performance.now() - start;
  lastCpuMs = cpuMs(cpu);
  await store.close();
  return ms;
}

/** The baseline: one unindexed table of JSON records, plain INSERTs, one transaction per batch. */
function measureBareInserts(dir: string, blocks: IndexedBlock[]): number {
  const db = openDatabase(join(dir, "bare.db"));
  db.exec("CREATE TABLE rows (kind TEXT NOT NULL, block_number INTEGER NOT NULL, data TEXT NOT NULL)");
  const insert = prepareRaw(db, "INSERT INTO rows (kind, block_number, data) VALUES (?, ?, ?)");
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (const batch of batches(blocks))
    writeTransaction(db, () => {
      for (const b of batch) {
        const n = b.block.number;
        insert.run(["block", n, JSON.stringify(b.block)]);
        for (const t of b.transactions) insert.run(["tx", n, JSON.stringify(t)]);
        for (const r of b.receipts) insert.run(["receipt", n, JSON.stringify(r)]);
        for (const l of b.logs) insert.run(["log", n, JSON.stringify(l)]);
        for (const t of b.tokenTransfers) insert.run(["transfer", n, JSON.stringify(t)]);
      }
    });
  const ms = performance.now() - start;
  lastCpuMs = cpuMs(cpu);
  db.close();
  return ms;
}

const blocks = makeBlocks();
const total = blocks.reduce((s, b) => s + records(b), 0);
const tmp = tempDir("chainlog-bench-");
try {
  // Warm-up on a small slice so JIT and page cache do not favour whichever runs second.
  await measureStore(join(tmp.dir, "warm"), blocks.slice(0, 20));
  measureBareInserts(join(tmp.dir, "warm"), blocks.slice(0, 20));
  const bare = measureBareInserts(tmp.dir, blocks);
  const bareCpu = lastCpuMs;
  const store = await measureStore(tmp.dir, blocks);
  const storeCpu = lastCpuMs;
  const rate = (ms: number) => ({
    blocksPerS: Math.round(BLOCKS / (ms / 1000)),
    recordsPerS: Math.round(total / (ms / 1000)),
  });
  console.log(
    JSON.stringify(
      {
        bench: "SqliteStore.writeBlocks",
        blocks: BLOCKS,
        txsPerBlock: TXS,
        recordsPerBlock: Math.round(total / BLOCKS),
        batchSize: BATCH,
        writeBlocks: { ms: Math.round(store), cpuMs: Math.round(storeCpu), ...rate(store) },
        bareInsertLoop: { ms: Math.round(bare), cpuMs: Math.round(bareCpu), ...rate(bare) },
        ratio: Number((store / bare).toFixed(2)),
        cpuRatio: Number((storeCpu / bareCpu).toFixed(2)),
      },
      null,
      2,
    ),
  );
  console.log(
    `writeBlocks takes ${(store / bare).toFixed(2)}x the time of a bare INSERT loop of the same records`,
  );
} finally {
  tmp.remove();
}
