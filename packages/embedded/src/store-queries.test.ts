import { describe, expect } from "vitest";
import { openDatabase } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { STORE_SQL } from "./store-queries.ts";
import { it } from "./test-support/temp-files.ts";

/** Reads that may scan: the newest block (the rowid's last row) and one report per running service instance. */
const MAY_SCAN = new Set<string>(["latest", "statuses"]);
/** Paged reads: their order must come from the index, never from sorting the matches. */
const PAGED = [
  "blockTxs",
  "addressTxs",
  "addressTransfers",
  "tokenTransfers",
  "addressSwaps",
  "priceSeries",
  "addressInternal",
  "holdings",
];

describe("SqliteStore query plans", () => {
  it("every read is an index search, and pages come in index order (O(page), not O(history))", async ({
    path,
  }) => {
    await createSqliteStore({ path }).close();
    const db = openDatabase(path);
    const reads = Object.entries(STORE_SQL).filter(([, sql]) => /^\s*(SELECT|WITH)/i.test(sql));
    expect(reads.length).toBeGreaterThan(20);
    for (const [name, sql] of reads) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all([]) as { detail: string }[]).map(
        (r) => r.detail,
      );
      // A recursive CTE steps over its own queue ("SCAN held"), txDetail over its one found row ("SCAN f");
      // every table access must be a SEARCH.
      const scans = plan.filter((d) => /^SCAN (?!held\b|f\b)/.test(d));
      if (!MAY_SCAN.has(name)) expect(scans, `${name}: ${plan.join(" | ")}`).toEqual([]);
      if (PAGED.includes(name)) expect(plan.join(" | "), name).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
