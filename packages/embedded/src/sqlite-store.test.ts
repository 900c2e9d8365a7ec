import { addressOf, buildBlock, richBlock, splitEnrichment } from "@chainlog/ports/contract";
import { describe, expect } from "vitest";
import { OrphanLogRowError } from "./errors.ts";
import { openDatabase, prepareRaw } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { it } from "./test-support/temp-files.ts";

const TABLES = [
  "blocks",
  "transactions",
  "logs",
  "token_transfers",
  "address_txs",
  "address_token_transfers",
  "swaps",
  "address_swaps",
  "approvals",
  "weth_events",
  "vault_events",
  "address_vault_events",
  "contract_creations",
  "price_points",
  "balances",
  "block_stats",
  "holdings",
];

describe("SqliteStore file contents", () => {
  it("leaves no row of a rolled-back or replaced block behind, in any table", async ({ path }) => {
    const store = createSqliteStore({ path });
    const [x, y, z, token] = ["x", "y", "z", "t"].map((l) => addressOf(l)) as [
      string,
      string,
      string,
      string,
    ];
    // Every derived row kind, with addresses in several roles at once.
    const tx = (from: string, to: string | null) => ({
      from,
      to,
      transfers: [{ token, from, to: to ?? y }],
      swaps: [
        {
          pool: token,
          sender: from,
          recipient: to ?? from,
          prices: [{ token, quote: "ETH" as const, price: 2 }],
        },
      ],
      approvals: [{ token, owner: from, spender: to ?? y }],
      weth: [{ token, account: from }],
      vault: [
        { vault: token, owner: from },
        { vault: token, owner: from, kind: "withdraw" as const, receiver: to ?? y },
      ],
      traceCreations: [addressOf(`made-by-${from}`)],
      logs: 1,
    });
    const balances = [
      { address: x, balance: "1" },
      { address: x, token, balance: "2" },
    ];
    const a = buildBlock({ number: 5, fork: "a", balances, txs: [tx(x, y), tx(y, null), tx(z, z)] });
    const b = buildBlock({ number: 5, fork: "b", balances, txs: [tx(y, x)] });
    const c = buildBlock({ number: 6, fork: "c", balances, txs: [tx(x, z), tx(z, y)] });

    const counts = () => {
      const db = openDatabase(path);
      const out = Object.fromEntries(
        TABLES.map((t) => [
          t,
          Number((db.prepare(`SELECT count(*) FROM ${t}`).raw().get([]) as unknown[])[0]),
        ]),
      );
      db.close();
      return out;
    };
    const empty = counts();
    await store.writeBlocks([b]);
    const onlyB = counts();
    for (const table of TABLES) expect(onlyB[table], table).toBeGreaterThan(0);

    await store.writeBlocks([a]);
    await store.rollbackBlock({ number: 5, hash: a.block.hash });
    expect(counts()).toEqual(empty);

    await store.writeBlocks([a, c]);
    await store.writeBlocks([b]); // replaces a at height 5
    await store.rollbackBlock({ number: 6, hash: c.block.hash });
    expect(counts()).toEqual(onlyB);
    await store.close();
  });

  it("writes a call's blocks all or nothing: a bad derived row leaves no block of the call behind", async ({
    path,
  }) => {
    const store = createSqliteStore({ path });
    const good = richBlock(20, "atomic");
    const bad = richBlock(21, "atomic");
    // A row the types forbid (a price point without a token) makes SQLite refuse the insert mid-call.
    (bad.pricePoints[0] as { token: unknown }).token = null;
    await expect(store.writeBlocks([good, bad])).rejects.toThrow(/NOT NULL/);
    expect(await store.getBlockByNumber(20)).toBeNull();
    expect(await store.getTransaction(good.transactions[0]!.hash)).toBeNull();
    expect((await store.getAddressSwaps(good.swaps[0]!.transactionFrom, { limit: 5 })).items).toEqual([]);
    await store.writeBlocks([good]);
    expect(await store.getBlockByNumber(20)).toEqual(good.block);
    await store.close();
  });

  it("refuses a row decoded from a log its transaction does not have, and reads a transaction's children by its logs", async ({
    path,
  }) => {
    const store = createSqliteStore({ path });
    const rich = richBlock(30, "orphans");
    const withLogs = rich.tokenTransfers[0]!;
    // the same block without the log of its first transfer: nothing of it is written
    const orphan = richBlock(30, "orphans");
    orphan.logs = orphan.logs.filter(
      (l) => !(l.transactionIndex === withLogs.transactionIndex && l.logIndex === withLogs.logIndex),
    );
    await expect(store.writeBlocks([orphan])).rejects.toThrow(OrphanLogRowError);
    expect(await store.getBlockByNumber(30)).toBeNull();
    await store.writeBlocks([rich]);
    const hash = rich.transactions[withLogs.transactionIndex]!.hash;
    const detail = await store.getTransaction(hash);
    const ofTx = <T extends { transactionIndex: number }>(rows: T[]) =>
      rows.filter((r) => r.transactionIndex === withLogs.transactionIndex);
    expect(detail?.logs).toEqual(ofTx(rich.logs));
    expect(detail?.tokenTransfers).toEqual(ofTx(rich.tokenTransfers));
    expect(detail?.approvals).toEqual(ofTx(rich.approvals));
    expect(detail?.wethEvents).toEqual(ofTx(rich.wethEvents));
    // a transaction without logs has none of those children
    const quiet = rich.transactions.find((t) => !rich.logs.some((l) => l.transactionHash === t.hash))!;
    const q = await store.getTransaction(quiet.hash);
    expect(q?.transaction).toEqual(quiet);
    expect([q?.logs, q?.tokenTransfers, q?.swaps, q?.approvals, q?.wethEvents]).toEqual([[], [], [], [], []]);
    // an enrichment swap must name a stored log too
    const swap = { ...rich.swaps[0]!, logIndex: 9_999 };
    const { enrichment } = splitEnrichment(rich);
    await expect(store.writeEnrichment([{ ...enrichment, swaps: [swap] }])).rejects.toThrow(
      OrphanLogRowError,
    );
    await store.close();
  });

  it("lets no row of a failed write go in with the next one", async ({ path }) => {
    const store = createSqliteStore({ path });
    const { raw, enrichment } = splitEnrichment(richBlock(40, "leak"));
    expect(enrichment.internalTransactions.length).toBeGreaterThan(0);
    await store.writeBlocks([raw]);
    // internal transactions are queued before the orphan swap is refused
    const orphanSwap = { ...enrichment.swaps[0]!, logIndex: 9_999 };
    await expect(store.writeEnrichment([{ ...enrichment, swaps: [orphanSwap] }])).rejects.toThrow(
      OrphanLogRowError,
    );
    await store.writeBlocks([splitEnrichment(richBlock(41, "leak")).raw]);
    const db = openDatabase(path);
    const count = (table: string) => prepareRaw(db, `SELECT count(*) FROM ${table}`).get();
    expect([count("internal_txs"), count("address_internal_txs")]).toEqual([[0], [0]]);
    db.close();
    expect(await store.getBlockByNumber(41)).not.toBeNull();
    await store.close();
  });

  it("sums a batch's holdings once, even when the batch replaces one of its own heights", async ({
    path,
  }) => {
    const store = createSqliteStore({ path });
    const [alice, bob, token] = ["alice", "bob", "token"].map((l) => addressOf(`batch:${l}`)) as [
      string,
      string,
      string,
    ];
    const pay = (number: number, fork: string, value: string) =>
      buildBlock({
        number,
        fork,
        txs: [{ from: bob, to: token, transfers: [{ token, from: bob, to: alice, value }] }],
      });
    const held = async (address: string) =>
      (await store.getAddressHoldings(address, 10)).map((h) => [h.token, h.balance]);
    // the same holders block after block, and height 3 twice: the later block is the one kept
    await store.writeBlocks([
      pay(1, "main", "1"),
      pay(2, "main", "20"),
      pay(3, "main", "300"),
      pay(3, "fork", "4000"),
    ]);
    expect(await held(alice)).toEqual([[token, "4021"]]);
    expect(await held(bob)).toEqual([[token, "-4021"]]);
    // and a batch that brings a holding back to zero leaves no row
    await store.writeBlocks([
      buildBlock({
        number: 4,
        fork: "main",
        txs: [{ from: alice, to: token, transfers: [{ token, from: alice, to: bob, value: "4021" }] }],
      }),
    ]);
    expect(await held(alice)).toEqual([]);
    expect(await held(bob)).toEqual([]);
    await store.close();
  });

  it("keeps a receipt without what its transaction says, and reads it back whole, as v6's whole rows", async ({
    path,
  }) => {
    const store = createSqliteStore({ path });
    const [a, b] = [addressOf("rcpt:a"), addressOf("rcpt:b")];
    const block = buildBlock({
      number: 7,
      txs: [
        { from: a, to: b, logs: 1 },
        { from: b, to: null },
      ],
    });
    // a bloom that is not empty, and a receipt naming another sender than its transaction: both kept as given
    block.receipts[0]!.logsBloom = `0x${"01".repeat(256)}`;
    block.receipts[1]!.from = a;
    await store.writeBlocks([block]);
    const db = openDatabase(path);
    const stored = (
      db.prepare("SELECT receipt FROM transactions ORDER BY tx_index").all() as { receipt: string }[]
    ).map((r) => JSON.parse(r.receipt) as Record<string, unknown>);
    for (const key of ["transactionHash", "transactionIndex", "blockHash", "blockNumber", "to", "type"])
      for (const r of stored) expect(r).not.toHaveProperty(key);
    expect(stored[0]).not.toHaveProperty("from");
    expect(stored[0]!.logsBloom).toBe(block.receipts[0]!.logsBloom);
    expect(stored[1]!.from).toBe(a);
    expect(stored[1]).not.toHaveProperty("logsBloom");
    const readBack = async () => {
      expect((await store.getStoredBlock(block.block.hash))?.receipts).toEqual(block.receipts);
      for (const [i, tx] of block.transactions.entries()) {
        expect((await store.getTransaction(tx.hash))?.receipt).toEqual(block.receipts[i]);
        const json = await store.getTransactionJson(tx.hash);
        expect(JSON.parse(json!.json.receipt)).toEqual(block.receipts[i]);
      }
    };
    await readBack();
    // a file written before v7 holds receipts whole: they read as they are
    const whole = db.prepare("UPDATE transactions SET receipt = ? WHERE tx_index = ?");
    for (const [i, r] of block.receipts.entries()) whole.run([JSON.stringify(r), i]);
    db.close();
    await readBack();
    await store.close();
  });

  it("finds a transaction by its whole hash when another shares the indexed prefix", async ({ path }) => {
    const store = createSqliteStore({ path });
    const [a, b] = [addressOf("prefix:a"), addressOf("prefix:b")];
    const block = buildBlock({
      number: 9,
      txs: [
        { from: a, to: b, logs: 1 },
        { from: b, to: a },
      ],
    });
    // the same first 12 hex digits, different hashes
    const hashes = [`0x${"ab".repeat(6)}${"01".repeat(26)}`, `0x${"ab".repeat(6)}${"02".repeat(26)}`];
    for (const [i, hash] of hashes.entries()) {
      block.transactions[i]!.hash = hash;
      block.receipts[i]!.transactionHash = hash;
      for (const l of block.logs) if (l.transactionIndex === i) l.transactionHash = hash;
    }
    await store.writeBlocks([block]);
    for (const [i, hash] of hashes.entries()) {
      const found = await store.getTransaction(hash.toUpperCase().replace("0X", "0x"));
      expect(found?.transaction).toEqual(block.transactions[i]);
      expect(found?.receipt).toEqual(block.receipts[i]);
    }
    expect(await store.getTransaction(`0x${"ab".repeat(6)}${"03".repeat(26)}`)).toBeNull();
    await store.close();
  });

  it("rejects page limits outside 1..1000 and malformed bounds with a clear error", async ({ path }) => {
    const store = createSqliteStore({ path });
    const x = addressOf("x");
    await expect(store.getAddressTransactions(x, { limit: 0 })).rejects.toThrow(/page limit/);
    await expect(store.getAddressTransactions(x, { limit: 1001 })).rejects.toThrow(/page limit/);
    await expect(store.getTokenTransfers(x, { limit: 1.5 })).rejects.toThrow(/page limit/);
    await expect(store.getAddressSwaps(x, { limit: -1 })).rejects.toThrow(/page limit/);
    await expect(store.getPriceSeries(x, "ETH", { limit: 10, fromTimestamp: Number.NaN })).rejects.toThrow(
      /bounds/,
    );
    await expect(store.findTokensBySymbol("ETH", 0)).rejects.toThrow(/limit/);
    await expect(store.getServiceStatuses(-1)).rejects.toThrow(/maxAgeMs/);
    await store.close();
  });
});
