import { addressOf, allPages, buildBlock, hashOf, splitEnrichment } from "@chainlog/ports/contract";
import { Block, InternalTransaction, TokenTransfer, Transaction } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALICE,
  type ApiHarness,
  BOB,
  CAROL,
  openApiHarness,
  sampleChain,
  TOKEN,
} from "../test-support/api-harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;
let h: ApiHarness;
const chain = sampleChain(12);

beforeAll(async () => {
  h = await openApiHarness({ blocks: chain });
});
afterAll(async () => h?.close());

const get = async (url: string) => {
  const res = await h.app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json() as Json, headers: res.headers };
};

describe("blocks", () => {
  it("serves the latest block as the stored record", async () => {
    const { status, body } = await get("/v1/blocks/latest");
    expect(status).toBe(200);
    expect(body).toEqual(chain[11]!.block);
    expect(Block.parse(body)).toEqual(body);
  });

  it("serves a block by number and by hash (any case)", async () => {
    const b = chain[4]!.block;
    expect((await get("/v1/blocks/5")).body).toEqual(b);
    expect((await get(`/v1/blocks/${b.hash}`)).body).toEqual(b);
    expect((await get(`/v1/blocks/${b.hash.toUpperCase().replace("0X", "0x")}`)).body).toEqual(b);
  });

  it("pages a block's transactions in index order", async () => {
    const b = chain[11]!;
    const first = await get(`/v1/blocks/12/txs?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((t: Transaction) => t.transactionIndex)).toEqual([0, 1]);
    const second = await get(
      `/v1/blocks/${b.block.hash}/txs?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((t: Transaction) => t.hash)).toEqual(
      b.transactions.slice(2, 4).map((t) => t.hash),
    );
  });

  it("404s unknown numbers and hashes with the error shape", async () => {
    for (const url of ["/v1/blocks/999", `/v1/blocks/${hashOf("nope")}`, `/v1/blocks/999/txs`]) {
      const { status, body } = await get(url);
      expect(status, url).toBe(404);
      expect(body.error.code).toBe("not_found");
      expect(typeof body.error.message).toBe("string");
    }
  });

  it("404s latest on an empty store", async () => {
    const empty = await openApiHarness();
    try {
      const res = await empty.app.inject({ method: "GET", url: "/v1/blocks/latest" });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    } finally {
      await empty.close();
    }
  });
});

describe("transactions", () => {
  it("serves a transaction with its receipt, logs and decoded transfers", async () => {
    const b = chain[2]!;
    const tx = b.transactions[2]!;
    const { status, body } = await get(`/v1/tx/${tx.hash}`);
    expect(status).toBe(200);
    expect(body.transaction).toEqual(tx);
    expect(body.receipt).toEqual(b.receipts[2]);
    expect(body.logs).toEqual(b.logs.filter((l) => l.transactionHash === tx.hash));
    expect(body.tokenTransfers).toEqual(b.tokenTransfers.filter((t) => t.transactionHash === tx.hash));
    expect(body.tokenTransfers[0].value).toBe("2500000");
  });

  it("keeps uint256 values exact as decimal strings", async () => {
    const tx = chain[0]!.transactions[1]!;
    const { body } = await get(`/v1/tx/${tx.hash}`);
    expect(body.transaction.value).toBe((2n ** 256n - 1n).toString());
  });

  it("serves every transaction type", async () => {
    const types = new Set<number>();
    for (const b of chain)
      for (const tx of b.transactions) {
        const { status, body } = await get(`/v1/tx/${tx.hash}`);
        expect(status).toBe(200);
        expect(Transaction.parse(body.transaction)).toEqual(tx);
        types.add(body.transaction.type);
      }
    expect([...types].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("404s an unknown hash", async () => {
    const { status, body } = await get(`/v1/tx/${hashOf("unknown-tx")}`);
    expect(status).toBe(404);
    expect(body.error.message).toContain("no transaction");
  });
});

describe("addresses", () => {
  it("lists an address's transactions newest first and its token transfers", async () => {
    const { body } = await get(`/v1/address/${CAROL}/txs?limit=3`);
    expect(body.items).toHaveLength(3);
    const order = body.items.map((t: Transaction) => [t.blockNumber, t.transactionIndex]);
    expect(order[0][0]).toBe(12);
    for (const t of body.items) expect([t.from, t.to]).toContain(CAROL);
    const transfers = await get(
      `/v1/address/${ALICE.toUpperCase().replace("0X", "0x")}/token-transfers?limit=100`,
    );
    expect(transfers.body.items).toHaveLength(12);
    for (const t of transfers.body.items) expect(TokenTransfer.parse(t).token).toBe(TOKEN);
    expect(transfers.body.nextCursor).toBeNull();
  });

  it("walks a 250-transaction address page by page without repeats or gaps", async () => {
    const busy = await openApiHarness({
      blocks: Array.from({ length: 25 }, (_, i) =>
        buildBlock({ number: i + 1, txs: Array.from({ length: 10 }, () => ({ from: BOB, to: ALICE })) }),
      ),
    });
    try {
      for (const limit of [1, 7, 25, 100]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const qs: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
          const res = await busy.app.inject({ method: "GET", url: `/v1/address/${ALICE}/txs?${qs}` });
          expect(res.statusCode).toBe(200);
          const page = res.json() as { items: Transaction[]; nextCursor: string | null };
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((t) => `${t.blockNumber}:${t.transactionIndex}`));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 400);
        expect(seen).toHaveLength(250);
        expect(new Set(seen).size).toBe(250);
        const expected = Array.from({ length: 250 }, (_, i) => `${25 - Math.floor(i / 10)}:${9 - (i % 10)}`);
        expect(seen).toEqual(expected);
      }
    } finally {
      await busy.close();
    }
  });

  it("answers an empty page for an address with no activity", async () => {
    const { status, body } = await get(`/v1/address/0x${"ab".repeat(20)}/txs`);
    expect(status).toBe(200);
    expect(body).toEqual({ items: [], nextCursor: null });
  });
});

describe("internal transactions", () => {
  // a router paying alice and bob inside a call from carol; block 2's router call reverts with its payment
  const router = addressOf("router");
  const blocks = [1, 2, 3].map((number) =>
    buildBlock({
      number,
      txs: [
        {
          from: CAROL,
          to: router,
          internal: [
            { to: ALICE, value: String(number * 10) },
            { to: BOB, value: "5", ...(number === 2 ? { error: "execution reverted" } : {}) },
            { to: ALICE, value: "1", nested: true },
          ],
        },
        { from: ALICE, to: BOB },
      ],
    }),
  );
  const split = blocks.map(splitEnrichment);
  let api: ApiHarness;
  beforeAll(async () => {
    api = await openApiHarness({ blocks: split.map((s) => s.raw) });
    await api.store.writeEnrichment([split[0]!.enrichment, split[1]!.enrichment]);
    // block 3 is enriched by a node without a tracer
    await api.store.writeEnrichment([
      {
        ...split[2]!.enrichment,
        mark: { ...split[2]!.enrichment.mark, traces: "off" },
        internalTransactions: [],
      },
    ]);
  });
  afterAll(async () => api?.close());
  const fetchJson = async (url: string) => {
    const res = await api.app.inject({ method: "GET", url });
    return { status: res.statusCode, body: res.json() as Json };
  };

  it("/v1/tx lists the transaction's calls in trace order, with the node's values and statuses", async () => {
    const tx = blocks[1]!.transactions[0]!;
    const { status, body } = await fetchJson(`/v1/tx/${tx.hash}`);
    expect(status).toBe(200);
    expect(body.traces).toBe("done");
    expect(body.internalTransactions).toEqual(
      blocks[1]!.internalTransactions.filter((f) => f.transactionIndex === 0),
    );
    expect(
      body.internalTransactions.map((f: InternalTransaction) => [
        f.traceAddress.join("."),
        f.to,
        f.value,
        f.status,
      ]),
    ).toEqual([
      ["0", ALICE, "20", 1],
      ["1", BOB, "5", 0],
      ["1.0", ALICE, "1", 0],
    ]);
    for (const f of body.internalTransactions) expect(InternalTransaction.parse(f)).toEqual(f);
  });

  it("/v1/tx says when its block's traces are off or not in yet", async () => {
    const off = await fetchJson(`/v1/tx/${blocks[2]!.transactions[0]!.hash}`);
    expect(off.body).toMatchObject({ traces: "off", internalTransactions: [] });
    const raw = buildBlock({ number: 4, txs: [{ from: CAROL, to: router }] });
    await api.store.writeBlocks([raw]);
    const pending = await fetchJson(`/v1/tx/${raw.transactions[0]!.hash}`);
    expect(pending.body).toMatchObject({
      traces: "pending",
      internalTransactions: [],
      enrichment: { status: "pending" },
    });
  });

  it("/v1/address/:address/internal-transactions pages calls from or to the address, newest first", async () => {
    const of = (a: string) =>
      blocks
        .slice(0, 2)
        .flatMap((b) => b.internalTransactions)
        .filter((f) => f.from === a || f.to === a)
        .reverse();
    for (const [who, limit] of [
      [ALICE, 1],
      [BOB, 2],
      [router, 100],
    ] as const) {
      const seen = await allPages(async (cursor) => {
        const qs = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const { status, body } = await fetchJson(
          `/v1/address/${who.toUpperCase().replace("0X", "0x")}/internal-transactions?${qs}`,
        );
        expect(status).toBe(200);
        return body as { items: InternalTransaction[]; nextCursor: string | null };
      });
      expect(seen).toEqual(of(who));
    }
    expect(of(ALICE).map((f) => [f.blockNumber, f.value])).toEqual([
      [2, "1"],
      [2, "20"],
      [1, "1"],
      [1, "10"],
    ]);
    expect((await fetchJson(`/v1/address/${CAROL}/internal-transactions`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    const bad = await fetchJson(`/v1/address/nope/internal-transactions`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.parameter).toBe("address");
  });
});

describe("malformed parameters → 400 naming the parameter", () => {
  const cases: [string, string, string][] = [
    ["/v1/blocks/abc", "id", "must be a decimal block number or a 32-byte 0x-hex block hash"],
    ["/v1/blocks/-1", "id", "must be a decimal block number"],
    ["/v1/blocks/01", "id", "block number"],
    ["/v1/blocks/99999999999999999999", "id", "block number"],
    ["/v1/blocks/0x1234", "id", "block hash"],
    ["/v1/blocks/1/txs?limit=0", "limit", "must be an integer from 1 to 100"],
    ["/v1/blocks/1/txs?limit=101", "limit", "1 to 100"],
    ["/v1/blocks/zz/txs", "id", "block number"],
    ["/v1/tx/0x123", "hash", "must be a 32-byte 0x-hex hash"],
    [`/v1/tx/${"0x".padEnd(66, "g")}`, "hash", "32-byte"],
    ["/v1/address/0x12/txs", "address", "must be a 20-byte 0x-hex address"],
    [`/v1/address/${ALICE}/txs?limit=abc`, "limit", "1 to 100"],
    [`/v1/address/${ALICE}/txs?limit=1&limit=2`, "limit", "1 to 100"],
    [`/v1/address/${ALICE}/txs?cursor=not-a-real-cursor`, "cursor", "nextCursor"],
    [`/v1/address/${ALICE}/txs?cursor=%24%7B%7D`, "cursor", "nextCursor"],
    [`/v1/address/${ALICE}/txs?limit[$gt]=`, "limit[$gt]", "not allowed"],
    ["/v1/address/nope/token-transfers", "address", "20-byte"],
    [`/v1/address/${ALICE}/token-transfers?limit=-5`, "limit", "1 to 100"],
    ["/v1/search", "q", "block number, a hash, an address or a token symbol"],
    [`/v1/search?q=${"x".repeat(300)}`, "q", "at most 200"],
  ];
  it.each(cases)("%s → %s", async (url, parameter, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_parameter");
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toContain(`parameter '${parameter}'`);
    expect(body.error.message).toContain(message);
  });

  it("rejects a cursor made for another address", async () => {
    const page = await get(`/v1/address/${ALICE}/txs?limit=1`);
    const { status, body } = await get(
      `/v1/address/${BOB}/txs?cursor=${encodeURIComponent(page.body.nextCursor)}`,
    );
    // Well-formed, but a position of another query: nothing there.
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "cursor_not_found", parameter: "cursor" });
  });
});

describe("search", () => {
  it("recognises a block number, a tx hash, a block hash and an address", async () => {
    expect((await get("/v1/search?q=3")).body).toEqual({ kind: "block", block: chain[2]!.block });
    const tx = chain[1]!.transactions[0]!;
    expect((await get(`/v1/search?q=${tx.hash}`)).body).toEqual({ kind: "transaction", transaction: tx });
    expect((await get(`/v1/search?q=${chain[0]!.block.hash}`)).body.kind).toBe("block");
    expect((await get(`/v1/search?q=${ALICE}`)).body).toEqual({ kind: "address", address: ALICE });
    expect((await get("/v1/search?q=4000")).status).toBe(404);
  });
});
