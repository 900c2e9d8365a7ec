import { type Db, writeTransaction } from "./sqlite.ts";

/*
 * The log: one append-only row per message, offsets dense per (topic, partition). `partitions` keeps the next
 * offset to hand out and the lowest one still stored (retention moves it up). Positions are what each group
 * committed; a lease row says which member of a group owns the topic right now.
 */
export function migrateBus(db: Db): void {
  writeTransaction(db, () => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS topics (
        name TEXT PRIMARY KEY,
        partitions INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS partitions (
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        next_offset INTEGER NOT NULL,
        low_offset INTEGER NOT NULL,
        PRIMARY KEY (topic, partition)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS messages (
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        key BLOB NOT NULL,
        value BLOB NOT NULL,
        headers TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (topic, partition, offset)
      );
      CREATE TABLE IF NOT EXISTS positions (
        grp TEXT NOT NULL,
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (grp, topic, partition)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS leases (
        grp TEXT NOT NULL,
        topic TEXT NOT NULL,
        member TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (grp, topic)
      ) WITHOUT ROWID;
    `);
  });
}
