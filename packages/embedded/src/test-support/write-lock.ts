import { openDatabase } from "../sqlite.ts";

/**
 * Runs `opening` while another connection holds the file's write lock (as the processor does through a batch),
 * and returns what it opened with how long opening took: an opener that queued for the lock would take the busy
 * timeout and then fail with "database is locked".
 */
export async function openWhileWriterHoldsLock<T>(
  path: string,
  opening: () => T,
): Promise<{ opened: T; openMs: number }> {
  const writer = openDatabase(path);
  writer.exec("BEGIN IMMEDIATE");
  try {
    const started = performance.now();
    const opened = opening();
    return { opened, openMs: performance.now() - started };
  } finally {
    writer.exec("ROLLBACK");
    writer.close();
  }
}
