import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "libsql";

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface OpenOptions {
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

const PAGE_SIZE = 16_384;
const WAL_CHECKPOINT_BYTES = 32 * 2 ** 20;

/**
 * Opens one database file in WAL mode, so several processes on this machine share it: one writer at a time,
 * readers never blocked. synchronous=FULL fsyncs the WAL on every commit: once a write resolved it survives a
 * SIGKILL and a power cut (NORMAL would survive only the first, and a bus position committed durably ahead of
 * a store write that was not would be a silent gap).
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  restrictFiles(path);
  const busy = options.busyTimeoutMs ?? 15_000;
  const db = new Database(path, { timeout: busy });
  try {
    whileBusy(busy, () => configure(db, busy));
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Runs `fn` again while SQLite answers SQLITE_BUSY, until `timeoutMs`. A new file is switched to WAL under an
 * exclusive lock, and a second process that opens it in that moment (ingest and the processor start together)
 * gets SQLITE_BUSY at once: SQLite skips the busy handler where waiting could deadlock.
 */
function whileBusy<T>(timeoutMs: number, fn: () => T): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waitMs = 5; ; waitMs = Math.min(waitMs * 2, 250)) {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(waitMs, Math.max(1, deadline - Date.now())));
    }
  }
}

/** The settings of every connection; each statement can run again (whileBusy). */
function configure(db: Db, busy: number): void {
  db.exec(`PRAGMA busy_timeout = ${busy}`);
  // 16 KiB pages for a new file (an existing one keeps its own): rows of a few hundred bytes to a few KiB, written
  // a block batch at a time, take fewer pages, frames and B-tree splits; writeBlocks' CPU fell by about 10–15%.
  db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  // A 64 MiB page cache and memory-mapped reads: index pages of a large store stay hot instead of re-read.
  db.exec("PRAGMA cache_size = -65536");
  db.exec("PRAGMA mmap_size = 268435456");
  db.exec("PRAGMA temp_store = MEMORY");
  // Checkpoints every 32 MiB of WAL instead of SQLite's 4 MiB: a checkpoint runs inside the commit that crosses
  // the mark, on the writer's thread, and a block batch of a backfill dirties the same index pages again and
  // again; copying them back eight times less often cut writeBlocks' CPU by ~6% and its time by ~10%. The mark
  // is in pages, of the file's own size.
  const { page_size: pageSize } = db.prepare("PRAGMA page_size").get() as { page_size: number };
  db.exec(`PRAGMA wal_autocheckpoint = ${Math.max(1, Math.round(WAL_CHECKPOINT_BYTES / pageSize))}`);
}

/**
 * The files hold e-mails, password and key hashes and export results: owner-only (0600) in an owner-only (0700)
 * directory when we create it. SQLite gives the -wal and -shm files the main file's mode, so the database file
 * is created 0600 before SQLite opens it; files left by older versions are narrowed too.
 */
function restrictFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/** What health() answers for a database: ok when one trivial query runs, else SQLite's own message. */
export function pingHealth(ping: () => unknown): { ok: boolean; detail?: string } {
  try {
    ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/**
 * Runs fn in one write transaction. BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that
 * reads and then writes cannot wait on another process's lock (SQLite answers BUSY at once), this one can.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** Runs fn in one read transaction: every read inside sees the same committed state of the file. */
export function readTransaction<T>(db: Db, fn: () => T): T {
  db.exec("BEGIN");
  try {
    return fn();
  } finally {
    if (db.inTransaction) db.exec("COMMIT");
  }
}

/*
 * libsql quirks this wrapper hides: a single object argument is taken as named parameters (a lone Buffer
 * crashes the native side), so parameters always go as one array; raw rows avoid the `_metadata` property of
 * object rows; blobs come back as Buffer or ArrayBuffer depending on the call.
 */
export type Param = string | number | bigint | Buffer | null;
export type Row = unknown[];

export function prepareRaw(db: Db, sql: string) {
  const stmt = db.prepare(sql);
  const reader = stmt.reader;
  if (reader) stmt.raw(true);
  return {
    run: (params: Param[] = []) => stmt.run(params),
    get: (params: Param[] = []) => stmt.get(params) as Row | undefined,
    all: (params: Param[] = []) => stmt.all(params) as Row[],
  };
}
export type Prepared = ReturnType<typeof prepareRaw>;

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value === null || value === undefined) return Buffer.alloc(0);
  throw new TypeError(`expected a blob, got ${typeof value}`);
}

/**
 * Free text from users goes in as UTF-8 blobs: SQLite keeps TEXT with NUL bytes whole, but this driver cuts it
 * at the first NUL when reading it back.
 */
export const text = (s: string): Buffer => Buffer.from(s, "utf8");
export const fromText = (value: unknown): string => toBuffer(value).toString("utf8");
export const num = (value: unknown): number => Number(value);
