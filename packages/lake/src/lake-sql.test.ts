import { describe, expect, it } from "vitest";
import { LakeDir } from "./lake-dir.ts";
import { openLakeSql } from "./lake-sql.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";
import { useTempDirs } from "./test-support/lake-fixtures.ts";

const fresh = useTempDirs("chainlog-lake-sql-");

describe("openLakeSql", () => {
  it("runs every model on an empty lake (typed empty tables), giving no rows", async () => {
    const sql = await openLakeSql(fresh());
    try {
      for (const m of sql.models)
        expect((await sql.query(`select * from ${m.name}`)).rows, m.name).toEqual([]);
      const { columns } = await sql.query("select * from blocks");
      expect(columns).toContain("date");
      expect(columns.slice(0, 3)).toEqual(["number", "hash", "parent_hash"]);
    } finally {
      sql.close();
    }
  });

  it("reads day partitions and marks the newest day incomplete; a bad query is a LakeSqlError", async () => {
    const dir = fresh();
    const lake = new LakeDir(dir);
    const rows = (n: number, price: bigint, gas: bigint): Record<LakeEntity, LakeRow[]> => {
      const out = Object.fromEntries(LakeEntities.map((e) => [e, [] as LakeRow[]])) as Record<
        LakeEntity,
        LakeRow[]
      >;
      out.blocks.push({ number: BigInt(n), hash: `0x${n}`, gas_used: gas });
      out.receipts.push({ transaction_hash: `0xt${n}`, gas_used: gas, effective_gas_price: price });
      out.transactions.push({ hash: `0xt${n}`, from_address: "0xa", to_address: `0x${n}` });
      return out;
    };
    lake.commitPart("2026-01-01", 0, { number: 0, hash: "0x0" }, rows(0, 10n, 21_000n));
    lake.commitPart("2026-01-02", 1, { number: 1, hash: "0x1" }, rows(1, 2n ** 40n, 30_000_000n));
    const sql = await openLakeSql(dir);
    try {
      const fees = await sql.query("select * from daily_transactions_fees");
      expect(fees.columns).toEqual([
        "date",
        "blocks",
        "transactions",
        "gas_used",
        "fees_wei",
        "day_complete",
      ]);
      // 30M gas × 2^40 wei overflows INT64: the model adds and multiplies as DECIMAL(38,0)
      expect(fees.rows).toEqual([
        ["2026-01-01", "1", "1", "21000", "210000", true],
        ["2026-01-02", "1", "1", "30000000", String(30_000_000n * 2n ** 40n), false],
      ]);
      expect((await sql.query("select * from daily_active_addresses")).rows).toEqual([
        ["2026-01-01", "2", "1", true],
        ["2026-01-02", "2", "1", false],
      ]);
      await expect(sql.query("select nope from blocks")).rejects.toThrow(/nope/);
    } finally {
      sql.close();
    }
  });
});
