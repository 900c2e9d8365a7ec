import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
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
