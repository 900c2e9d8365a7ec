import type { IndexedBlock } from "@chainlog/ports";
import type { IngestCursor } from "@chainlog/tx-schema";
import { type Db, prepareRaw, text } from "../sqlite.ts";
import { SCHEMA_V1 } from "../store-schema.ts";

/**
 * Writes a store file the way Chainlog's schema v1 did (its DDL, its rows, no version row), so the upgrade is
 * tested on what users really have on disk.
 */
export function writeV1Store(db: Db, secret: Buffer, blocks: IndexedBlock[], cursor: IngestCursor): void {
  db.exec(SCHEMA_V1);
  prepareRaw(db, "INSERT INTO meta (k, v) VALUES ('cursor_secret', ?)").run([secret]);
  prepareRaw(db, "INSERT INTO cursors (name, data) VALUES (?, ?)").run([
    text(`ingest:${cursor.chainId}`),
    JSON.stringify(cursor),
  ]);
  const run = (sql: string, params: (string | number | null)[]) => prepareRaw(db, sql).run(params);
  for (const b of blocks) {
    const n = b.block.number;
    const hash = b.block.hash;
    run("INSERT INTO blocks (number, hash, data) VALUES (?, ?, ?)", [n, hash, JSON.stringify(b.block)]);
    for (const tx of b.transactions) {
      const receipt = b.receipts.find((r) => r.transactionIndex === tx.transactionIndex);
      run(
        "INSERT INTO transactions (block_number, tx_index, hash, block_hash, data, receipt) VALUES (?, ?, ?, ?, ?, ?)",
        [n, tx.transactionIndex, tx.hash, hash, JSON.stringify(tx), receipt ? JSON.stringify(receipt) : null],
      );
      for (const a of new Set([tx.from, tx.to, receipt?.contractAddress]))
        if (a)
          run(
            "INSERT OR IGNORE INTO address_txs (address, block_number, tx_index, block_hash) VALUES (?, ?, ?, ?)",
            [a, n, tx.transactionIndex, hash],
          );
    }
    for (const l of b.logs)
      run("INSERT INTO logs (block_number, log_index, tx_index, block_hash, data) VALUES (?, ?, ?, ?, ?)", [
        n,
        l.logIndex,
        l.transactionIndex,
        hash,
        JSON.stringify(l),
      ]);
    for (const t of b.tokenTransfers) {
      run(
        `INSERT INTO token_transfers (block_number, log_index, batch_index, tx_index, block_hash, data)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [n, t.logIndex, t.batchIndex, t.transactionIndex, hash, JSON.stringify(t)],
      );
      for (const a of [t.from, t.to])
        run(
          `INSERT OR IGNORE INTO address_token_transfers (address, block_number, log_index, batch_index, block_hash)
           VALUES (?, ?, ?, ?, ?)`,
          [a, n, t.logIndex, t.batchIndex, hash],
        );
    }
  }
}
