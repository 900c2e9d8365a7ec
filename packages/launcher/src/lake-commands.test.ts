import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LakeDir, LakeEntities, type LakeEntity, type LakeRow } from "@chainlog/lake";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runModelsCommand, runSqlCommand } from "./lake-commands.ts";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "chainlog-lake-cmd-"));
  const rows = Object.fromEntries(LakeEntities.map((e) => [e, [] as LakeRow[]])) as Record<
    LakeEntity,
    LakeRow[]
  >;
  rows.blocks.push(
    { number: 7n, hash: "0xb7", gas_used: 21_000n },
    { number: 8n, hash: "0xb8", gas_used: 0n },
  );
  rows.transactions.push({
    hash: "0xt1",
    from_address: "0xa",
    to_address: "0xb",
    input: 'say "hi", then\nbye',
  });
  new LakeDir(dir).commitPart("2026-03-01", 7, { number: 8, hash: "0xb8" }, rows);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stdout stand-in that keeps what was written, a terminal or not. */
function capture(isTTY: boolean) {
  let text = "";
  const out = {
    isTTY,
    write: (s: string) => {
      text += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

describe("chainlog sql", () => {
  it("prints a table on a terminal, CSV in a pipe, JSON when asked; big numbers stay exact strings", async () => {
    const tty = capture(true);
    expect(
      await runSqlCommand(["select number, hash from blocks order by number", "--lake", dir], tty.out),
    ).toBe(0);
    expect(tty.text()).toBe("number │ hash\n───────┼─────\n     7 │ 0xb7\n     8 │ 0xb8\n(2 rows)\n");

    const pipe = capture(false);
    await runSqlCommand(['select hash, input, "date" from transactions', "--lake", dir], pipe.out);
    expect(pipe.text()).toBe('hash,input,date\n0xt1,"say ""hi"", then\nbye",2026-03-01\n');

    const json = capture(false);
    await runSqlCommand(
      ["select * from daily_transactions_fees", "--lake", dir, "--format", "json"],
      json.out,
    );
    expect(JSON.parse(json.text())).toEqual([
      {
        date: "2026-03-01",
        blocks: "2",
        transactions: "0",
        gas_used: "21000",
        fees_wei: "0",
        day_complete: false,
      },
    ]);
  });

  it("refuses an unknown format and a missing lake with one clear line", async () => {
    await expect(
      runSqlCommand(["select 1", "--lake", dir, "--format", "xml"], capture(false).out),
    ).rejects.toThrow(/--format must be table, csv or json/);
    await expect(
      runSqlCommand(["select 1", "--lake", join(dir, "nope")], capture(false).out),
    ).rejects.toThrow(/no lake at/);
  });
});

describe("chainlog models build", () => {
  it("writes every model as Parquet under <lake>/models", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      expect(await runModelsCommand(["build", "--lake", dir])).toBe(0);
    } finally {
      log.mockRestore();
    }
    for (const name of ["daily_transactions_fees", "top_tokens", "gas_price_percentiles"])
      expect(existsSync(join(dir, "models", name, `${name}.parquet`)), name).toBe(true);
    const csv = capture(false);
    await runSqlCommand(
      [
        `select blocks from read_parquet('${dir}/models/daily_transactions_fees/daily_transactions_fees.parquet')`,
        "--lake",
        dir,
      ],
      csv.out,
    );
    expect(csv.text()).toBe("blocks\n2\n");
  });
});
