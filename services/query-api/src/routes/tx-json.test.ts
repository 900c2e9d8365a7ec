import type { IndexedBlock, ReadModel } from "@chainlog/ports";
import { hashOf, richActors, richBlock, splitEnrichment } from "@chainlog/ports/contract";
import type { EnrichmentStatus } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness, sampleChain } from "../test-support/api-harness.ts";
import { referencedTokens, tokenMap } from "../views/token-map.ts";

/**
 * GET /v1/tx/:hash writes its answer from the stored JSON text. Its bytes must stay those of the route before
 * that change, which built the object and let JSON.stringify write it: that route's reading is the reference.
 */
async function referenceBody(store: ReadModel, hash: string): Promise<string | null> {
  const detail = await store.getTransaction(hash);
  if (!detail) return null;
  const mark = (await store.getEnrichment([detail.transaction.blockHash])).get(
    detail.transaction.blockHash.toLowerCase(),
  );
  const enrichment: EnrichmentStatus = mark ? { status: "enriched", mark } : { status: "pending" };
  const tokens = await tokenMap(store, referencedTokens(detail));
  const traces = enrichment.status === "pending" ? "pending" : enrichment.mark.traces;
  return JSON.stringify({ ...detail, traces, tokens, enrichment });
}

describe("GET /v1/tx/:hash answers the same bytes as JSON.stringify of the detail", () => {
  let h: ApiHarness;
  const label = "tx-json";
  const x = richActors(label);
  // Plain transfers and contract calls with receipts and logs; rich blocks with every derived kind (transfers,
  // ERC-1155 batches, swaps, approvals, WETH events, trace-seen creations, internal transactions), enriched
  // with traces done, enriched with traces off, and not enriched yet.
  const plain = sampleChain(3);
  const done = splitEnrichment(richBlock(20, label, { timestamp: 1_700_000_000 }));
  const off = splitEnrichment(richBlock(21, label, { timestamp: 1_700_000_012, balance: "7" }));
  const pending = splitEnrichment(richBlock(22, label, { timestamp: 1_700_000_024, deploys: false }));
  const all: IndexedBlock[] = [...plain, done.raw, off.raw, pending.raw];

  beforeAll(async () => {
    h = await openApiHarness({ blocks: all });
    await h.store.writeEnrichment([
      done.enrichment,
      { ...off.enrichment, mark: { ...off.enrichment.mark, traces: "off" }, internalTransactions: [] },
    ]);
    // Known metadata for some referenced tokens (one with non-ASCII text), none for the others.
    await h.store.upsertTokens([
      {
        address: x.token,
        standard: "erc20",
        name: 'Tökén \u2603 "quoted"',
        symbol: "TK\u00e9",
        decimals: 18,
        firstSeenBlock: 20,
      },
      {
        address: x.weth,
        standard: "erc20",
        name: "Wrapped Ether",
        symbol: "WETH",
        decimals: 18,
        firstSeenBlock: 20,
      },
    ]);
  });
  afterAll(async () => h?.close());

  it("for every transaction of plain and rich blocks, enrichment done, traces off and pending", async () => {
    const hashes = all.flatMap((b) => b.transactions.map((t) => t.hash));
    expect(hashes.length).toBeGreaterThan(10);
    const seen = { logs: 0, transfers: 0, swaps: 0, internal: 0, tokens: 0, pending: 0, off: 0 };
    for (const hash of hashes) {
      const res = await h.app.inject({ method: "GET", url: `/v1/tx/${hash}` });
      expect(res.statusCode, hash).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      const reference = await referenceBody(h.store, hash);
      expect(res.body, hash).toBe(reference);
      const body = res.json();
      if (body.logs.length) seen.logs++;
      if (body.tokenTransfers.length) seen.transfers++;
      if (body.swaps.length) seen.swaps++;
      if (body.internalTransactions.length) seen.internal++;
      if (Object.keys(body.tokens).length) seen.tokens++;
      if (body.traces === "pending") seen.pending++;
      if (body.traces === "off") seen.off++;
    }
    // The fixture really covers each shape this test is about.
    for (const [shape, count] of Object.entries(seen)) expect(count, shape).toBeGreaterThan(0);
  });

  it("any case of the hash gives the same bytes; an unknown hash is a 404 in the error shape", async () => {
    const hash = done.raw.transactions[1]!.hash;
    const upper = await h.app.inject({
      method: "GET",
      url: `/v1/tx/${hash.toUpperCase().replace("0X", "0x")}`,
    });
    expect(upper.body).toBe(await referenceBody(h.store, hash));
    const missing = await h.app.inject({ method: "GET", url: `/v1/tx/${hashOf("tx-json-unknown")}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: "not_found", message: `no transaction with hash ${hashOf("tx-json-unknown")}` },
    });
  });
});
