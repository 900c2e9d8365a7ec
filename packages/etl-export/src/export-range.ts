import { decodeTokenTransfers } from "@chainlog/decoders";
import {
  createRangeFetcher,
  createRpcPool,
  createTokenMetadataFetcher,
  type FetchedBlocks,
  fetchBlocks,
  NoHealthyEndpointError,
  parseEndpoints,
  permanentKind,
  type RpcPool,
  RpcResponseError,
  TRACES,
  TraceUnavailableError,
  traceBlockFrames,
} from "@chainlog/rpc";
import { createLogger, type Logger } from "@chainlog/telemetry";
import type { BlockEnvelope, InternalTransaction } from "@chainlog/tx-schema";
import { CsvWriter, csvLines } from "./csv-writer.ts";
import { createDirSink } from "./dir-sink.ts";
import { BeyondHeadError, ExportParameterError, TracesUnavailableError } from "./errors.ts";
import {
  blockRow,
  EtlColumns,
  type EtlEntity,
  type EtlRow,
  logLine,
  logRow,
  receiptLine,
  receiptRow,
  tokenRow,
  tokenTransferLine,
  tokenTransferRow,
  traceRow,
  transactionLine,
  transactionRow,
} from "./etl-rows.ts";
import type { ExportSink } from "./output-file.ts";
import type { ParquetWriter } from "./parquet-writer.ts";
import { isS3Url } from "./s3-url.ts";

export const EXPORT_ENTITIES = Object.keys(EtlColumns) as EtlEntity[];
/**
 * What an export writes unless told: everything but traces, which make the node re-execute every block (a
 * tracing node answers them several times slower than blocks and receipts) and need its debug API.
 */
export const DEFAULT_ENTITIES = EXPORT_ENTITIES.filter((e) => e !== "traces");

export interface ExportProgress {
  /** Highest block written so far (every block below it is written too). */
  block: number;
  from: number;
  to: number;
  blocks: number;
  transactions: number;
}

export interface ExportRangeParameters {
  /** The nodes to read, as ETH_RPC_URLS entries (`url` or `url#priority=N&rps=R`): one pool, with failover. */
  rpcUrls: string[];
  from: number;
  to: number;
  entities: EtlEntity[];
  format: "csv" | "parquet";
  /** A directory, or s3://bucket/prefix (objects named as the directory's files). */
  outDir: string;
  /** Where S3 credentials, region and endpoint come from (AWS_*, S3_ENDPOINT). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Blocks per JSON-RPC batch. Default 10. */
  batchSize?: number;
  /** Upper bound of each endpoint's adaptive concurrency (batches in flight). Default 16. */
  maxConcurrency?: number;
  /** Block traces in flight (the traces entity). Default 4: a trace re-executes its block, the node's costliest work. */
  traceConcurrency?: number;
  onProgress?: (p: ExportProgress) => void;
  /** Stops the export between batches (e.g. on SIGINT); it then cleans up as after any failure. */
  signal?: AbortSignal;
  /** The pool's warnings (failovers, refused features). Default: silent. */
  logger?: Logger;
}

export interface ExportResult {
  /** Rows written per entity, and the file (or s3:// object, or parquet folder/prefix) holding them. */
  files: Record<string, { path: string; rows: number }>;
  blocks: number;
}

export {
  BeyondHeadError,
  ExportParameterError,
  S3AccessDeniedError,
  S3BucketNotFoundError,
  S3CredentialsError,
  S3ExportError,
  S3UnreachableError,
  S3UrlError,
  TracesUnavailableError,
} from "./errors.ts";

function validate(params: ExportRangeParameters): EtlEntity[] {
  const { from, to } = params;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from)
    throw new ExportParameterError(`invalid range --from ${from} --to ${to}: need 0 <= from <= to`);
  const entities = [...new Set(params.entities)];
  for (const e of entities)
    if (!EXPORT_ENTITIES.includes(e))
      throw new ExportParameterError(`unknown entity "${e}"; one of ${EXPORT_ENTITIES.join(", ")}`);
  if (entities.length === 0) throw new ExportParameterError("no entities to export");
  if (params.format !== "csv" && params.format !== "parquet")
    throw new ExportParameterError(`unknown format "${params.format}"; csv or parquet`);
  if (params.rpcUrls.length === 0)
    throw new ExportParameterError("no node: pass --rpc-url or set ETH_RPC_URL");
  return entities;
}

/**
 * One block's call frames, flattened, from debug_traceBlockByNumber on an endpoint that can trace: a transient
 * failure tries the next endpoint, a refusal turns traces off for that endpoint, and with no endpoint left that
 * can trace the export stops with TracesUnavailableError. One block a request: a block trace re-executes the
 * block, and the endpoint's adaptive concurrency, not a batch, decides how many the node works on at once.
 */
async function traceBlock(pool: RpcPool, env: BlockEnvelope): Promise<InternalTransaction[]> {
  for (;;) {
    if (!pool.featureAvailable(TRACES)) throw new TracesUnavailableError("every endpoint refused");
    try {
      return await traceBlockFrames(pool, env.block, env.transactions, { by: "number" });
    } catch (error) {
      if (error instanceof TraceUnavailableError)
        throw new TracesUnavailableError(`block ${env.block.number}: ${error.message}`);
      // a refusal turned traces off for that endpoint (traceBlockFrames did); any other error stops the export
      if (!(error instanceof RpcResponseError) || permanentKind(error) === null) throw error;
      if (!pool.featureAvailable(TRACES)) throw new TracesUnavailableError(error.message);
    }
  }
}

type Fetched = FetchedBlocks & { traces?: InternalTransaction[][] };

/** At most `limit` calls of `fn` running at once; the others wait their turn in order. */
function limited<A, R>(limit: number, fn: (a: A) => Promise<R>): (a: A) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (a) => {
    while (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running += 1;
    try {
      return await fn(a);
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * Fetches [from, to] in batches through the pool, several in flight, and yields what `prepare` made of each,
 * strictly in order. `prepare` runs as each batch arrives, in whatever order: a batch waiting for its turn then
 * holds its output, not its records and the answer they were read from (less for the GC to keep copying). Every
 * answer goes through ingest's validators (schemas, receipts against transactions, parent-hash links), and a
 * node without eth_getBlockReceipts gets per-transaction receipts.
 */
async function* fetchInOrder<T>(
  pool: RpcPool,
  chainId: number,
  from: number,
  to: number,
  batchSize: number,
  traceConcurrency: number | null,
  prepare: (fetched: Fetched) => T,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  // a trace takes the node far longer than a block: the blocks' concurrency would pile traces up on it
  const trace =
    traceConcurrency === null
      ? null
      : limited(traceConcurrency, (env: BlockEnvelope) => traceBlock(pool, env));
  const fetcher = createRangeFetcher({
    from,
    to,
    batchSize,
    capacity: () => pool.capacity(),
    fetch: (s, e): Promise<T> =>
      fetchBlocks(pool, chainId, s, e).then(async (f) =>
        prepare(trace ? { ...f, traces: await Promise.all(f.envelopes.map(trace)) } : f),
      ),
  });
  try {
    for (let at = from; at <= to; at = Math.min(to, at + batchSize - 1) + 1) {
      signal?.throwIfAborted();
      const [prepared] = await fetcher.take(at);
      yield prepared!;
    }
  } finally {
    fetcher.close();
  }
}

/** One batch as the export writes it: each entity's rows (CSV: already as the file's bytes). */
interface PreparedBatch {
  last: number;
  blocks: number;
  transactions: number;
  rows: Map<EtlEntity, EtlRow[]>;
  csv: Map<EtlEntity, { bytes: Buffer; rows: number }>;
  /** Token contracts with a transfer here, in order of first transfer. */
  tokens: string[];
}

/** One entity's part of a batch: CSV lines made straight from the records (joined once: no chain of +=), or rows. */
interface EntityPart {
  lines: string[];
  rows: EtlRow[];
  count: number;
}

/**
 * What a batch becomes in the export: ethereum-etl's rows of `entities`, as CSV bytes when `csv`. The entities
 * written per transaction and per log go to CSV straight from their records (etl-rows' line writers).
 */
function batchPreparer(entities: ReadonlySet<EtlEntity>, csv: boolean) {
  const needTransfers = entities.has("token_transfers") || entities.has("tokens");
  return (fetched: Fetched): PreparedBatch => {
    const parts = new Map<EtlEntity, EntityPart>(
      [...entities].map((e) => [e, { lines: [], rows: [], count: 0 }]),
    );
    const blocks = parts.get("blocks");
    const txs = parts.get("transactions");
    const receipts = parts.get("receipts");
    const logs = parts.get("logs");
    const traces = parts.get("traces");
    const transfers = parts.get("token_transfers");
    const tokens = new Set<string>();
    let transactions = 0;
    const add = (part: EntityPart, line: string | null, row: EtlRow | null = null) => {
      if (line !== null) part.lines.push(line);
      else if (row !== null) part.rows.push(row);
      part.count += 1;
    };
    for (const [i, env] of fetched.envelopes.entries()) {
      const { block } = env;
      if (blocks) add(blocks, null, blockRow(block));
      if (txs)
        for (const tx of env.transactions)
          if (csv) add(txs, transactionLine(tx, block.timestamp));
          else add(txs, null, transactionRow(tx, block.timestamp));
      if (receipts)
        for (const r of env.receipts)
          if (csv) add(receipts, receiptLine(r));
          else add(receipts, null, receiptRow(r));
      if (logs)
        for (const l of env.logs)
          if (csv) add(logs, logLine(l));
          else add(logs, null, logRow(l));
      if (traces) for (const f of fetched.traces?.[i] ?? []) add(traces, null, traceRow(f));
      if (needTransfers)
        for (const t of decodeTokenTransfers(env.logs)) {
          const line = csv ? tokenTransferLine(t) : null;
          const row = csv ? null : tokenTransferRow(t);
          // neither: a transfer ethereum-etl does not have (ERC-1155), nor its token
          if (line === null && row === null) continue;
          tokens.add(t.token);
          if (transfers) add(transfers, line, row);
        }
      transactions += env.transactions.length;
    }
    const out = new Map<EtlEntity, { bytes: Buffer; rows: number }>();
    if (csv)
      for (const [e, p] of parts)
        out.set(e, { bytes: Buffer.from(p.lines.join("") + csvLines(EtlColumns[e], p.rows)), rows: p.count });
    return {
      last: fetched.envelopes[fetched.envelopes.length - 1]!.block.number,
      blocks: fetched.envelopes.length,
      transactions,
      rows: csv ? new Map() : new Map([...parts].map(([e, p]) => [e, p.rows])),
      csv: out,
      tokens: [...tokens],
    };
  };
}

/**
 * Exports a block range from JSON-RPC nodes into ethereum-etl's files (blocks.csv, transactions.csv,
 * receipts.csv, logs.csv, token_transfers.csv, tokens.csv, traces.csv) with its column names and order; parquet writes a
 * directory of part files per entity (blocks/part-00000.parquet) with the same columns. To a directory, files
 * are written aside and renamed into place at the end; to s3://bucket/prefix the same names become object keys,
 * and a failed export removes what it had uploaded. Either way a failed export leaves nothing partial.
 */
export async function exportRange(params: ExportRangeParameters): Promise<ExportResult> {
  const entities = validate(params);
  const { from, to, outDir } = params;
  const pool = createRpcPool({
    endpoints: parseEndpoints(params.rpcUrls),
    logger: params.logger ?? createLogger("export", "silent"),
    maxConcurrency: params.maxConcurrency ?? 16,
    timeoutMs: 30_000,
  });
  const head = await pool.checkHealth();
  if (head < 0) throw new NoHealthyEndpointError(new Error(pool.status()[0]?.lastError ?? "no answer"));
  if (to > head) throw new BeyondHeadError(to, head);
  const chainId = Number(BigInt(await pool.request("eth_chainId", [])));

  // the AWS SDK is loaded only for an s3:// export: a local one starts without it
  const sink: ExportSink = isS3Url(outDir)
    ? await (await import("./s3-sink.ts")).createS3Sink(outDir, params.env)
    : createDirSink(outDir);
  const writers = new Map<EtlEntity, CsvWriter | ParquetWriter>();
  const want = (e: EtlEntity) => writers.get(e);
  const tokens = new Set<string>();
  let blocks = 0;
  let transactions = 0;
  try {
    // hyparquet (some 50 modules) is loaded only for a parquet export: a CSV one starts without it
    const parquet = params.format === "parquet" ? await import("./parquet-writer.ts") : null;
    for (const e of entities)
      writers.set(
        e,
        parquet
          ? new parquet.ParquetWriter(sink, e, EtlColumns[e])
          : await CsvWriter.open(sink, `${e}.csv`, EtlColumns[e]),
      );
    for await (const batch of fetchInOrder(
      pool,
      chainId,
      from,
      to,
      params.batchSize ?? 10,
      writers.has("traces") ? (params.traceConcurrency ?? 4) : null,
      batchPreparer(new Set(writers.keys()), !parquet),
      params.signal,
    )) {
      for (const [e, w] of writers) {
        const csv = batch.csv.get(e);
        if (csv && w instanceof CsvWriter) await w.writeLines(csv.bytes, csv.rows);
        else await w.writeMany(batch.rows.get(e) ?? []);
      }
      for (const t of batch.tokens) tokens.add(t);
      blocks += batch.blocks;
      transactions += batch.transactions;
      params.onProgress?.({ block: batch.last, from, to, blocks, transactions });
    }
    const tokenWriter = want("tokens");
    if (tokenWriter && tokens.size > 0) {
      // As ethereum-etl's export_tokens: metadata at the node's latest block, one row per token seen.
      const metadata = await createTokenMetadataFetcher({ pool }).get([...tokens]);
      await tokenWriter.writeMany([...metadata.values()].map(tokenRow));
    }
    for (const w of writers.values()) await w.close();
    await sink.close();
  } catch (error) {
    // the export's error is the one to report; a cleanup failure is attached rather than replacing it
    await sink.abort().catch((cleanup: Error) => {
      if (error instanceof Error && error.cause === undefined) error.cause = cleanup;
    });
    throw error;
  } finally {
    pool.close();
  }
  return {
    blocks,
    files: Object.fromEntries([...writers].map(([e, w]) => [e, { path: w.path, rows: w.rows }])),
  };
}
