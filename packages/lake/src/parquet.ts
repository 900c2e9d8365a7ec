import { readFileSync } from "node:fs";
import type { OutputFile } from "@chainlog/etl-export";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { ByteWriter, ParquetWriter, parquetWriteBuffer, schemaFromColumnData } from "hyparquet-writer";
import { type LakeEntity, type LakeRow, LakeSchemas } from "./schema.ts";

/** One Parquet file of an entity's rows, in the lake's column order and types (all columns nullable). */
export function encodeParquet(entity: LakeEntity, rows: readonly LakeRow[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: LakeSchemas[entity].map(({ name, type }) => ({
      name,
      type,
      nullable: true,
      data: rows.map((r) => r[name] ?? null),
    })),
  });
  return new Uint8Array(buffer);
}

/** Reads a file the sink wrote back into rows (compaction); INT64 come back as bigint, as written. */
export async function decodeParquet(path: string): Promise<LakeRow[]> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as LakeRow[];
}

/** The columns a Parquet file declares (leaf fields, in order): what a catalog over the files must match. */
export function parquetFileColumns(
  bytes: Uint8Array,
): { name: string; type: string; logical: string | null }[] {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetMetadata(file)
    .schema.filter((e) => e.num_children === undefined && e.type !== undefined)
    .map((e) => ({
      name: e.name,
      type: String(e.type),
      logical: e.converted_type ? String(e.converted_type) : (e.logical_type?.type ?? null),
    }));
}

/**
 * Streams rows of an entity into one Parquet file through `out`, a row group at a time: only the rows of the
 * group being encoded and its bytes are held, however long the file grows (day compaction).
 */
export function createParquetStream(entity: LakeEntity, out: OutputFile, rowGroupRows = 20_000) {
  const columns = LakeSchemas[entity];
  const writer = new ByteWriter() as ByteWriter & { flush(): Promise<void> };
  // each finished row group leaves for `out` and the buffer starts over (offsets in the footer stay absolute)
  writer.flush = () => {
    const chunk = writer.getBytes().slice();
    writer.index = 0;
    return out.write(chunk);
  };
  writer.finish = () => writer.flush();
  const schema = schemaFromColumnData({
    columnData: columns.map(({ name, type }) => ({ name, type, nullable: true, data: [] })),
  });
  const parquet = new ParquetWriter({ writer, schema });
  let pending: LakeRow[] = [];
  let rows = 0;
  const writeGroup = async (group: LakeRow[]) => {
    await parquet.write({
      columnData: columns.map(({ name }) => ({ name, data: group.map((r) => r[name] ?? null) })),
      rowGroupSize: group.length,
    });
  };
  return {
    get rows() {
      return rows;
    },
    async write(batch: readonly LakeRow[]): Promise<void> {
      for (const row of batch) {
        pending.push(row);
        rows += 1;
        if (pending.length >= rowGroupRows) {
          const group = pending;
          pending = [];
          await writeGroup(group);
        }
      }
    },
    /** Writes the last row group and the footer, then closes `out` (for S3: the object appears, whole). */
    async close(): Promise<void> {
      if (pending.length > 0) await writeGroup(pending);
      pending = [];
      await parquet.finish();
      await out.close();
    },
  };
}

/** A Parquet file's rows one row group at a time (bounded memory however many groups it holds). */
export async function* parquetRowGroups(bytes: Uint8Array): AsyncGenerator<LakeRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    yield (await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end })) as LakeRow[];
    start = end;
  }
}
