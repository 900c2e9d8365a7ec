import { decodeLogs } from "@chainlog/decoders";
import { blockFromRpc, InvalidRpcAnswerError, receiptsFromRpc } from "@chainlog/tx-schema";
import { rpcBatch } from "../rpc/json-rpc-batch.ts";
import { createTokenMetadataFetcher } from "../token-metadata/fetch-token-metadata.ts";
import { CsvWriter } from "./csv-writer.ts";
import { createDirSink } from "./dir-sink.ts";
import { ExportParameterError } from "./errors.ts";

export { EtlInt64Columns, ParquetValueError } from "./parquet-writer.ts";

import {
  blockRow,
  EtlColumns,
  type EtlEntity,
  logRow,
  receiptRow,
  tokenRow,
  tokenTransferRow,
  transactionRow,
} from "./etl-rows.ts";
import type { ExportSink } from "./output-file.ts";
import { ParquetWriter } from "./parquet-writer.ts";
import { createS3Sink } from "./s3-sink.ts";
import { isS3Url } from "./s3-url.ts";

export const EXPORT_ENTITIES = Object.keys(EtlColumns) as EtlEntity[];

export interface ExportRangeParameters {
  rpcUrl: string;
  from: number;
  to: number;
  entities: EtlEntity[];
  format: "csv" | "parquet";
  /** A directory, or s3://bucket/prefix (objects named as the directory's files). */
  outDir: string;
  /** Where S3 credentials, region and endpoint come from (AWS_*, S3_ENDPOINT). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Blocks per JSON-RPC batch. Default 20. */
  batchSize?: number;
  onProgress?: (p: { block: number; from: number; to: number }) => void;
  /** Stops the export between batches (e.g. on SIGINT); it then cleans up as after any failure. */
  signal?: AbortSignal;
}

export interface ExportResult {
  /** Rows written per entity, and the file (or s3:// object, or parquet folder/prefix) holding them. */
  files: Record<string, { path: string; rows: number }>;
  blocks: number;
}

export {
  ExportParameterError,
  S3AccessDeniedError,
  S3BucketNotFoundError,
  S3CredentialsError,
  S3ExportError,
  S3UnreachableError,
  S3UrlError,
} from "./errors.ts";

/**
 * Exports a block range from any JSON-RPC node into ethereum-etl's files (blocks.csv, transactions.csv,
 * receipts.csv, logs.csv, token_transfers.csv, tokens.csv) with its column names and order; parquet writes a
 * directory of part files per entity (blocks/part-00000.parquet) with the same columns. Every answer goes
 * through the same validators as ingest, so a node's malformed answer stops the export with a clear error.
 * To s3://bucket/prefix the same names become object keys; a failed export removes what it had uploaded.
 */
export async function exportRange(params: ExportRangeParameters): Promise<ExportResult> {
  const { rpcUrl, from, to, outDir } = params;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from)
    throw new ExportParameterError(`invalid range --from ${from} --to ${to}: need 0 <= from <= to`);
  const entities = [...new Set(params.entities)];
  for (const e of entities)
    if (!EXPORT_ENTITIES.includes(e))
      throw new ExportParameterError(`unknown entity "${e}"; one of ${EXPORT_ENTITIES.join(", ")}`);
  if (entities.length === 0) throw new ExportParameterError("no entities to export");
  if (params.format !== "csv" && params.format !== "parquet")
    throw new ExportParameterError(`unknown format "${params.format}"; csv or parquet`);

  const sink: ExportSink = isS3Url(outDir) ? await createS3Sink(outDir, params.env) : createDirSink(outDir);
  const writers = new Map<EtlEntity, CsvWriter | ParquetWriter>();
  const want = (e: EtlEntity) => writers.get(e);
  const needReceipts = entities.some(
    (e) => e === "receipts" || e === "logs" || e === "token_transfers" || e === "tokens",
  );
  const tokens = new Set<string>();
  const batchSize = params.batchSize ?? 20;
  let blocks = 0;
  try {
    for (const e of entities)
      writers.set(
        e,
        params.format === "csv"
          ? await CsvWriter.open(sink, `${e}.csv`, EtlColumns[e])
          : new ParquetWriter(sink, e, EtlColumns[e]),
      );
    for (let start = from; start <= to; start += batchSize) {
      params.signal?.throwIfAborted();
      const numbers = Array.from({ length: Math.min(batchSize, to - start + 1) }, (_, i) => start + i);
      const tags = numbers.map((n) => `0x${n.toString(16)}`);
      const answers = await rpcBatch(rpcUrl, [
        ...tags.map((t) => ({ method: "eth_getBlockByNumber", params: [t, true] })),
        ...(needReceipts ? tags.map((t) => ({ method: "eth_getBlockReceipts", params: [t] })) : []),
      ]);
      for (const [i, n] of numbers.entries()) {
        const blockAnswer = answers[i];
        if (!blockAnswer?.ok)
          throw new InvalidRpcAnswerError("eth_getBlockByNumber", `block ${n}: ${blockAnswer?.message}`);
        if (blockAnswer.result === null)
          throw new ExportParameterError(`block ${n} is beyond the node's head`);
        const { block, transactions } = blockFromRpc(blockAnswer.result);
        await want("blocks")?.write(blockRow(block));
        for (const tx of transactions) await want("transactions")?.write(transactionRow(tx, block.timestamp));
        blocks += 1;
        if (!needReceipts) continue;
        const receiptAnswer = answers[numbers.length + i];
        if (!receiptAnswer?.ok)
          throw new InvalidRpcAnswerError("eth_getBlockReceipts", `block ${n}: ${receiptAnswer?.message}`);
        const { receipts, logs } = receiptsFromRpc(receiptAnswer.result, block, transactions);
        for (const r of receipts) await want("receipts")?.write(receiptRow(r));
        for (const l of logs) await want("logs")?.write(logRow(l));
        for (const t of decodeLogs(logs).tokenTransfers) {
          const row = tokenTransferRow(t);
          if (!row) continue;
          tokens.add(t.token);
          await want("token_transfers")?.write(row);
        }
      }
      params.onProgress?.({ block: numbers[numbers.length - 1] as number, from, to });
    }
    const tokenWriter = want("tokens");
    if (tokenWriter && tokens.size > 0) {
      // As ethereum-etl's export_tokens: metadata at the node's latest block, one row per token seen.
      const metadata = await createTokenMetadataFetcher({ rpcUrl }).get([...tokens]);
      for (const m of metadata.values()) await tokenWriter.write(tokenRow(m));
    }
    for (const w of writers.values()) await w.close();
    await sink.close();
  } catch (error) {
    // the export's error is the one to report; a cleanup failure is attached rather than replacing it
    await sink.abort().catch((cleanup: Error) => {
      if (error instanceof Error && error.cause === undefined) error.cause = cleanup;
    });
    throw error;
  }
  return {
    blocks,
    files: Object.fromEntries([...writers].map(([e, w]) => [e, { path: w.path, rows: w.rows }])),
  };
}
