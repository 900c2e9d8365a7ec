import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createModelTables,
  LakeDir,
  LakeEntities,
  type LakeEntity,
  type LakeRow,
  type ModelTables,
  openLakeSql,
} from "@chainlog/lake";
import { LakeModelResponse, LakeModelsResponse } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness } from "../test-support/api-harness.ts";

let dir: string;
let tables: ModelTables;
let h: ApiHarness;
let bare: ApiHarness;
/** What DuckDB answers over the lake itself, per model: the figures the route must serve. */
const expected = new Map<string, { columns: string[]; rows: unknown[][] }>();

/** Three days of one block each: a transfer and a receipt per block, the third day the lake's newest. */
function rows(n: number): Record<LakeEntity, LakeRow[]> {
  const out = Object.fromEntries(LakeEntities.map((e) => [e, [] as LakeRow[]])) as Record<
    LakeEntity,
    LakeRow[]
  >;
  out.blocks.push({ number: BigInt(n), hash: `0x${n}`, gas_used: 21_000n * BigInt(n + 1) });
  for (let i = 0; i <= n; i++) {
    out.transactions.push({ hash: `0xt${n}${i}`, from_address: `0xa${i}`, to_address: `0xb${n}` });
    out.receipts.push({ transaction_hash: `0xt${n}${i}`, gas_used: 21_000n, effective_gas_price: 2n ** 40n });
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "chainlog-lake-models-"));
  const lake = new LakeDir(dir);
  for (const [n, day] of ["2026-02-01", "2026-02-02", "2026-02-03"].entries())
    lake.commitPart(day, n, { number: n, hash: `0x${n}` }, rows(n));
  const sql = await openLakeSql(dir);
  try {
    await sql.buildModels();
    for (const m of sql.models) expected.set(m.name, await sql.query(`select * from ${m.name}`));
  } finally {
    sql.close();
  }
  tables = createModelTables(join(dir, "models"));
  h = await openApiHarness({ lakeModels: tables });
  bare = await openApiHarness();
});

afterAll(async () => {
  await h?.close();
  await bare?.close();
  tables?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("GET /v1/lake/models", () => {
  it("lists every built model with its row count", async () => {
    const res = await h.app.inject("/v1/lake/models");
    expect(res.statusCode).toBe(200);
    const body = LakeModelsResponse.parse(res.json());
    expect(body.items.map((m) => [m.name, m.rows])).toEqual(
      [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([name, r]) => [name, r.rows.length]),
    );
    for (const m of body.items) expect(m.builtAt).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it("serves a model's rows as DuckDB computes them over the lake, in pages", async () => {
    const want = expected.get("daily_transactions_fees")!;
    expect(want.rows.length).toBe(3);
    const res = await h.app.inject("/v1/lake/models/daily_transactions_fees");
    expect(res.statusCode, res.body).toBe(200);
    const body = LakeModelResponse.parse(res.json());
    expect(body.columns.map((c) => c.name)).toEqual(want.columns);
    expect(body.columns.find((c) => c.name === "fees_wei")?.type).toMatch(/^DECIMAL/);
    expect(body.items.map((r) => want.columns.map((c) => r[c]))).toEqual(want.rows);
    // wei beyond 2^53 stays exact: 3 receipts × 21000 gas × 2^40 wei on the third day
    expect(body.items[2]).toMatchObject({
      date: "2026-02-03",
      fees_wei: String(3n * 21_000n * 2n ** 40n),
      day_complete: false,
    });
    const page = LakeModelResponse.parse(
      (await h.app.inject("/v1/lake/models/daily_transactions_fees?limit=1&offset=1")).json(),
    );
    expect(page.items).toEqual([body.items[1]]);
    expect(page).toMatchObject({ offset: 1, rows: 3 });
  });

  it("answers 404 for a model that is not built or not shipped, 400 for a name that is no model name", async () => {
    expect((await h.app.inject("/v1/lake/models/no_such_model")).statusCode).toBe(404);
    expect((await h.app.inject("/v1/lake/models/..%2Fblocks")).statusCode).toBe(400);
    expect((await h.app.inject("/v1/lake/models/daily_transactions_fees?limit=0")).statusCode).toBe(400);
    // without a local lake: nothing built
    expect((await bare.app.inject("/v1/lake/models")).json()).toEqual({ items: [] });
    const missing = await bare.app.inject("/v1/lake/models/daily_transactions_fees");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/models build/);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await h.app.inject("/docs/json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/lake/models", "/v1/lake/models/{name}"]),
    );
  });
});
