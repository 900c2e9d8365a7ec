/*
 * writeBlocks throughput against a bare INSERT loop of the same records into the same engine (same pragmas, one
 * transaction per batch). Blocks carry derived rows as the processor writes them (swaps with price points,
 * approvals, WETH events, creations, watched balances, block stats); `plain` leaves those out, the workload of
 * the store before they existed. Run: node --import tsx packages/embedded/src/store.bench.ts [blocks] [txs] [plain]
 */
import { join } from "node:path";
import type { IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/fixtures";
import { openDatabase, prepareRaw, writeTransaction } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { tempDir } from "./temp-dir.ts";

const BLOCKS = Number(process.argv[2] ?? 400);
const TXS = Number(process.argv[3] ?? 150);
const PLAIN = process.argv[4] === "plain";
const BATCH = 10;

function makeBlocks(): IndexedBlock[] {
  const accounts = Array.from({ length: 500 }, (_, i) => addressOf(`bench${i}`));
  const token = addressOf("bench-token");
  const weth = addressOf("bench-weth");
  const router = addressOf("bench-router");
  const pools = Array.from({ length: 20 }, (_, i) => addressOf(`bench-pool${i}`));
  const pick = (n: number) => accounts[n % accounts.length]!;
  return Array.from({ length: BLOCKS }, (_, b) =>
    buildBlock({
      number: b + 1,
      // Ten watched addresses whose balances the block may have changed.
      balances: PLAIN
        ? []
        : accounts.slice(0, 10).map((address, k) => ({ address, balance: String(b * 10 + k) })),
      txs: Array.from({ length: TXS }, (_, i) => {
        const from = pick(b * 7 + i * 13);
        const to = pick(b * 11 + i * 17 + 1);
        const pool = pools[i % pools.length]!;
        // A third are ERC-20 transfers (a log and a token transfer each), like a busy mainnet block; in the
        // derived workload a tenth are swaps through a router with their price point, a tenth approvals or
        // wraps, and one transaction a block deploys a contract.
        if (PLAIN || i % 10 > 2)
          return i % 3 === 0
            ? { from, to: token, transfers: [{ token, from, to, value: String(i + 1) }] }
            : { from, to };
        if (i % 10 === 0)
          return {
            from,
            to: router,
            transfers: [
              { token: weth, from, to: pool, value: "1000" },
              { token, from: pool, to: from, value: "2000" },
            ],
            swaps: [
              {
                pool,
                sender: router,
                recipient: from,
                prices: [{ token, quote: "ETH" as const, price: 0.5 }],
              },
            ],
          };
        if (i % 10 === 1)
          return i === 1
            ? { from, to: null }
            : { from, to: token, approvals: [{ token, owner: from, spender: router }] };
        return { from, to: weth, weth: [{ token: weth, account: from }] };
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

/** Every record of a block, by kind: what the bare loop inserts and what the rates count. */
const rowsOf = (b: IndexedBlock): [string, unknown[]][] => [
  ["block", [b.block]],
  ["tx", b.transactions],
  ["receipt", b.receipts],
  ["log", b.logs],
  ["transfer", b.tokenTransfers],
  ["swap", b.swaps],
  ["approval", b.approvals],
  ["weth", b.wethEvents],
  ["creation", b.contractCreations],
  ["price", b.pricePoints],
  ["balance", b.balances],
  ["stats", [b.stats]],
];
const records = (b: IndexedBlock) => rowsOf(b).reduce((n, [, rows]) => n + rows.length, 0);

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
        for (const [kind, rows] of rowsOf(b)) for (const r of rows) insert.run([kind, n, JSON.stringify(r)]);
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
        derivedRows: !PLAIN,
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
