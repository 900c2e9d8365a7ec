import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteStore } from "@chainlog/embedded";
import type { Store } from "@chainlog/ports";
import { buildBlock } from "@chainlog/ports/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, CAROL, sampleChain, TOKEN } from "../test-support/api-harness.ts";
import { runEtherscan } from "./actions.ts";
import { createAnswerCache } from "./answers.ts";

let dir: string;
let store: Store;
/** Store reads of address lists, counted: a cached answer makes none. */
let listReads = 0;
let counted: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "chainlog-answers-"));
  store = createSqliteStore({ path: join(dir, "store.db") });
  await store.writeBlocks(sampleChain(6));
  counted = {
    ...store,
    getAddressTransactions: (...args) => {
      listReads += 1;
      return store.getAddressTransactions(...args);
    },
    getAddressTokenTransfers: (...args) => {
      listReads += 1;
      return store.getAddressTokenTransfers(...args);
    },
  };
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const txlist = (extra: Record<string, string> = {}) => ({
  module: "account",
  action: "txlist",
  address: ALICE,
  sort: "desc",
  ...extra,
});

describe("Etherscan answer cache", () => {
  it("answers a list again without reading it, per parameters, until the newest block changes", async () => {
    const answers = createAnswerCache(counted, { ttlMs: 60_000 });
    const run = (q: Record<string, string>) =>
      answers.answer(q, () => runEtherscan({ store: counted, rpc: null }, q));
    listReads = 0;
    const first = await run(txlist());
    expect(typeof first).toBe("string");
    expect(JSON.parse(first as string)).toEqual(await runEtherscan({ store, rpc: null }, txlist()));
    expect(listReads).toBe(1);
    // the same answer whoever asks; other parameters are another answer
    expect(await run(txlist({ apikey: "clk_someone" }))).toBe(first);
    expect(listReads).toBe(1);
    await run(txlist({ offset: "2" }));
    expect(listReads).toBe(2);
    await run({ ...txlist(), action: "tokentx" });
    expect(listReads).toBe(3);

    // a new newest block: answered afresh, with its transaction
    const next = buildBlock({ number: 7, txs: [{ from: BOB, to: ALICE }] });
    await store.writeBlocks([next]);
    const after = JSON.parse((await run(txlist())) as string);
    expect(listReads).toBe(4);
    expect(after.result[0].hash).toBe(next.transactions[0]!.hash);
    // rolled back: the newest block is 6 again, and so is the answer
    await store.rollbackBlock({ number: 7, hash: next.block.hash });
    expect(JSON.parse((await run(txlist())) as string).result[0].hash).not.toBe(next.transactions[0]!.hash);
  });

  it("keeps an answer ttlMs at most: what changes under the same newest block shows after that", async () => {
    const answers = createAnswerCache(counted, { ttlMs: 50 });
    const q = { ...txlist(), action: "tokentx", address: CAROL };
    const run = () => answers.answer(q, () => runEtherscan({ store: counted, rpc: null }, q));
    expect(JSON.parse((await run()) as string).result[0].tokenSymbol).toBe("");
    await store.upsertTokens([
      { address: TOKEN, standard: "erc20", name: "USD Coin", symbol: "USDC", decimals: 6, firstSeenBlock: 1 },
    ]);
    await sleep(120);
    expect(JSON.parse((await run()) as string).result[0].tokenSymbol).toBe("USDC");
  });

  it("passes other actions through uncached, and shares one computation between concurrent misses", async () => {
    const answers = createAnswerCache(counted, { ttlMs: 60_000 });
    let computed = 0;
    const compute = async () => {
      computed += 1;
      return { status: "1", message: "OK", result: [] };
    };
    const q = { module: "account", action: "txlistinternal", address: ALICE };
    expect(await answers.answer(q, compute)).toEqual({ status: "1", message: "OK", result: [] });
    expect(await answers.answer(q, compute)).toEqual({ status: "1", message: "OK", result: [] });
    expect(computed).toBe(2);
    const same = await Promise.all([1, 2, 3].map(() => answers.answer(txlist({ page: "9" }), compute)));
    expect(computed).toBe(3);
    expect(new Set(same).size).toBe(1);
  });
});
