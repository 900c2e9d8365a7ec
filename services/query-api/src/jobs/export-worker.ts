import { csvRow } from "@chainlog/etl-export/csv";
import { type Job, type MetaStore, type Page, QuotaExceededError, type ReadModel } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
import type { TokenTransfer, Transaction } from "@chainlog/tx-schema";
import { EXPORT_KINDS } from "../routes/jobs.ts";
import type { ExportBucket } from "./export-bucket.ts";

export interface ExportWorkerOptions {
  store: ReadModel;
  meta: MetaStore;
  logger: Logger;
  /** How often to look for queued jobs when idle. */
  pollMs?: number;
  /** Rows per export at most; larger histories are cut and the job says so in its error field. */
  maxRows?: number;
  /** Bytes of results one user may keep; a result that does not fit fails its job. */
  maxResultBytesPerUser?: number;
  /** Finished jobs (and their results) older than this are deleted. */
  resultTtlMs?: number;
  /** CHAINLOG_EXPORT_BUCKET: every finished export is written there too (before the job is marked done). */
  bucket?: ExportBucket;
}

export interface ExportWorker {
  start(): void;
  /** Stops claiming; waits for the job in hand to finish its current page. */
  stop(): Promise<void>;
  /** Runs queued jobs until none is left (tests, and the poll loop). */
  drain(): Promise<number>;
}

const TX_COLUMNS = [
  "blockNumber",
  "transactionIndex",
  "hash",
  "from",
  "to",
  "value",
  "nonce",
  "gas",
  "gasPrice",
  "type",
  "input",
] as const;
const TRANSFER_COLUMNS = [
  "blockNumber",
  "transactionIndex",
  "logIndex",
  "batchIndex",
  "transactionHash",
  "standard",
  "token",
  "from",
  "to",
  "value",
  "tokenId",
] as const;

/** The job was cancelled or deleted while it ran. */
class ExportCancelled extends Error {
  override name = "ExportCancelled";
}

/**
 * Runs the export jobs users queue through /v1/jobs: pages through the store and keeps the file under the
 * job's owner (MetaStore.putJobResult). Jobs are claimed atomically, so several query-api instances can run
 * this side by side.
 */
export function createExportWorker(options: ExportWorkerOptions): ExportWorker {
  const { store, meta } = options;
  const maxRows = options.maxRows ?? 100_000;
  const log = options.logger.child({ component: "export-worker" });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  async function run(job: Job): Promise<void> {
    const address = String(job.params.address);
    const format = job.params.format === "json" ? "json" : "csv";
    const isTx = job.kind === "export_address_txs";
    const rows: (Transaction | TokenTransfer)[] = [];
    let cursor: string | null = null;
    let truncated = false;
    do {
      const page: Page<Transaction | TokenTransfer> = isTx
        ? await store.getAddressTransactions(address, { limit: 100, cursor })
        : await store.getAddressTokenTransfers(address, { limit: 100, cursor });
      rows.push(...page.items);
      cursor = page.nextCursor;
      if (rows.length >= maxRows) {
        truncated = rows.length > maxRows || cursor !== null;
        rows.length = Math.min(rows.length, maxRows);
        break;
      }
      if (rows.length % 1000 === 0) {
        const current = await meta.getJob(job.userId, job.id);
        if (!current || current.status === "cancelled") throw new ExportCancelled();
        await meta.updateJob(job.id, { progress: Math.min(0.95, rows.length / maxRows) });
      }
    } while (cursor);

    const columns = isTx ? TX_COLUMNS : TRANSFER_COLUMNS;
    const body =
      format === "json"
        ? JSON.stringify(rows)
        : `${columns.join(",")}\n${rows.map((r) => csvRow(columns, r as Record<string, unknown>)).join("")}`;
    const current = await meta.getJob(job.userId, job.id);
    if (!current || current.status === "cancelled") throw new ExportCancelled();
    try {
      await meta.putJobResult(
        {
          jobId: job.id,
          userId: job.userId,
          filename: `${job.kind}-${address}.${format}`,
          contentType: format === "json" ? "application/json" : "text/csv; charset=utf-8",
          body: Buffer.from(body),
        },
        { maxBytes: options.maxResultBytesPerUser ?? Number.POSITIVE_INFINITY },
      );
    } catch (error) {
      if (!(error instanceof QuotaExceededError)) throw error;
      await meta.updateJob(job.id, {
        status: "failed",
        error: `the result (${Buffer.byteLength(body)} bytes) does not fit your export storage (${error.used} of ${error.limit} bytes used); delete old jobs`,
      });
      log.info({ jobId: job.id, bytes: Buffer.byteLength(body) }, "export over the user's storage quota");
      return;
    }
    if (options.bucket) {
      const filename = `${job.kind}-${address}.${format}`;
      try {
        const url = await options.bucket.put(job.userId, job.id, filename, Buffer.from(body));
        log.info({ jobId: job.id, url }, "export written to the bucket");
      } catch (error) {
        log.error({ err: error, jobId: job.id }, "export bucket write failed");
        await meta.updateJob(job.id, {
          status: "failed",
          error: "the export could not be stored; try again",
        });
        return;
      }
    }
    await meta.updateJob(job.id, {
      status: "done",
      progress: 1,
      error: truncated ? `truncated at ${maxRows} rows` : null,
    });
    log.info({ jobId: job.id, kind: job.kind, rows: rows.length }, "export done");
  }

  let sweptAt = 0;
  /** Finished jobs past their expiry go, results with them; at most once a minute. */
  async function sweep(): Promise<void> {
    if (options.resultTtlMs === undefined || Date.now() - sweptAt < 60_000) return;
    sweptAt = Date.now();
    const deleted = await meta.deleteFinishedJobs(Date.now() - options.resultTtlMs);
    if (deleted > 0) log.info({ deleted }, "expired export jobs deleted");
  }

  async function drain(): Promise<number> {
    await sweep();
    let done = 0;
    for (;;) {
      let job: Job | null = null;
      for (const kind of EXPORT_KINDS) {
        job = await meta.claimJob(kind);
        if (job) break;
      }
      if (!job) return done;
      try {
        await run(job);
      } catch (error) {
        if (error instanceof ExportCancelled) log.info({ jobId: job.id }, "export cancelled");
        else {
          log.error({ err: error, jobId: job.id }, "export failed");
          await meta.updateJob(job.id, { status: "failed", error: "export failed; see the server log" });
        }
      }
      done++;
    }
  }

  const tick = () => {
    if (stopped) return;
    running = drain()
      .catch((error: unknown) => {
        log.error({ err: error }, "export worker poll failed");
        return 0;
      })
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, options.pollMs ?? 1000);
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    drain,
  };
}
