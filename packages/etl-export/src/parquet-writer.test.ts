import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { afterAll, describe, expect, it } from "vitest";
import { createDirSink } from "./dir-sink.ts";
import { EtlColumns, type EtlEntity } from "./etl-rows.ts";
import { EtlInt64Columns, ParquetValueError, ParquetWriter } from "./parquet-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "chainlog-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (path: string) => {
  const buf = readFileSync(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
};

describe("ParquetWriter", () => {
  it("types each entity's columns as ethereum-etl's schemas do, and round-trips the values", async () => {
    const row = (entity: EtlEntity) =>
      Object.fromEntries(
        EtlColumns[entity].map((c) => [c, EtlInt64Columns[entity].has(c) ? "9007199254740993" : `${c}-x`]),
      );
    for (const entity of Object.keys(EtlColumns) as EtlEntity[]) {
      // files appear in the directory when the export's sink closes (written aside until then)
      const sink = createDirSink(dir);
      const w = new ParquetWriter(sink, entity, EtlColumns[entity], 2);
      for (let i = 0; i < 3; i++) await w.write(row(entity));
      await w.close();
      await sink.close();
      expect(w.rows).toBe(3);
      const first = load(join(dir, entity, "part-00000.parquet"));
      const types = Object.fromEntries(
        parquetSchema(parquetMetadata(first)).children.map((c) => [c.element.name, c.element.type]),
      );
      expect(Object.keys(types)).toEqual([...EtlColumns[entity]]);
      for (const c of EtlColumns[entity])
        expect([c, types[c]]).toEqual([c, EtlInt64Columns[entity].has(c) ? "INT64" : "BYTE_ARRAY"]);
      // two rows per part: the third went to part-00001
      const second = await parquetReadObjects({ file: load(join(dir, entity, "part-00001.parquet")) });
      expect(second).toHaveLength(1);
      for (const c of EtlColumns[entity])
        expect(second[0]?.[c]).toEqual(EtlInt64Columns[entity].has(c) ? 9007199254740993n : `${c}-x`);
    }
    // the names that differ by entity: a block's nonce is a hash, a transaction's a count; decimals stay text
    expect(EtlInt64Columns.blocks.has("nonce")).toBe(false);
    expect(EtlInt64Columns.transactions.has("nonce")).toBe(true);
    expect(EtlInt64Columns.tokens.has("decimals")).toBe(false);
  });

  it("refuses an integer beyond INT64 instead of wrapping it", async () => {
    const w = new ParquetWriter(createDirSink(join(dir, "big")), "transactions", EtlColumns.transactions);
    await w.write({ hash: "0x1", gas_price: (2n ** 63n).toString() });
    await expect(w.close()).rejects.toThrow(ParquetValueError);
    await expect(
      new ParquetWriter(createDirSink(join(dir, "big2")), "transactions", EtlColumns.transactions).close(),
    ).resolves.toBeUndefined();
  });
});
