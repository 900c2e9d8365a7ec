import { describe, expect, it } from "vitest";
import { readCsv, readIoResult, readSharedJson } from "../test-support/shared-fixtures.ts";
import { InvalidRpcAnswerError } from "./errors.ts";
import { blockFromRpc, receiptsFromRpc, transactionFromRpc } from "./from-rpc.ts";
import { RpcTransaction } from "./rpc-schemas.ts";

const etl = "blockchain-etl__ethereum-etl/tests/resources";
const apis = "ethereum__execution-apis/tests";

function rpcResult(relative: string): Record<string, unknown> {
  return (readSharedJson(relative) as { result: Record<string, unknown> }).result;
}

describe("blockFromRpc on recorded mainnet blocks", () => {
  it("matches ethereum-etl's expected transactions field by field", () => {
    const dir = `${etl}/test_export_blocks_job/blocks_with_transactions`;
    const expected = readCsv(`${dir}/expected_transactions.csv`);
    const txs = ["0xb872", "0xb873"].flatMap(
      (n) => blockFromRpc(rpcResult(`${dir}/web3_response.eth_getBlockByNumber_${n}_true.json`)).transactions,
    );
    expect(txs).toHaveLength(expected.length);
    for (const row of expected) {
      const tx = txs.find((t) => t.hash === row.hash)!;
      expect(tx, row.hash).toBeDefined();
      expect(tx.nonce).toBe(row.nonce);
      expect(tx.blockNumber).toBe(Number(row.block_number));
      expect(tx.transactionIndex).toBe(Number(row.transaction_index));
      expect(tx.from).toBe(row.from_address);
      expect(tx.to ?? "").toBe(row.to_address);
      expect(tx.value).toBe(row.value);
      expect(tx.gas).toBe(row.gas);
      expect(tx.gasPrice).toBe(row.gas_price);
      expect(tx.input).toBe(row.input);
      expect(tx.type).toBe(Number(row.transaction_type));
    }
  });

  it("refuses a block that carries transaction hashes instead of objects", () => {
    const block = readIoResult(`${apis}/eth_getBlockByNumber/get-block-prague-fork.io`);
    expect(() => blockFromRpc(block)).toThrow(/hashes where full objects/);
  });

  it("refuses malformed answers with the field named", () => {
    const dir = `${etl}/test_export_blocks_job/blocks_with_transactions`;
    const good = rpcResult(`${dir}/web3_response.eth_getBlockByNumber_0xb872_true.json`);
    expect(() => blockFromRpc({ ...good, hash: "0x1234" })).toThrow(/hash: expected a 32-byte/);
    expect(() => blockFromRpc({ ...good, number: "12" })).toThrow(InvalidRpcAnswerError);
    expect(() => blockFromRpc(null)).toThrow(InvalidRpcAnswerError);
    const txs = good.transactions as Record<string, unknown>[];
    const moved = {
      ...good,
      transactions: [{ ...txs[0], blockHash: `0x${"ab".repeat(32)}` }, ...txs.slice(1)],
    };
    expect(() => blockFromRpc(moved)).toThrow(/belongs to another block/);
    const swapped = { ...good, transactions: [txs[1], txs[0], ...txs.slice(2)] };
    expect(() => blockFromRpc(swapped)).toThrow(/has index/);
  });
});

describe("transactionFromRpc covers every envelope type", () => {
  const cases: [string, number][] = [
    ["get-legacy-tx", 0],
    ["get-legacy-create", 0],
    ["get-access-list", 1],
    ["get-dynamic-fee", 2],
    ["get-blob-tx", 3],
    ["get-setcode-tx", 4],
  ];
  for (const [file, type] of cases) {
    it(`${file} → type ${type}`, () => {
      const raw = readIoResult(`${apis}/eth_getTransactionByHash/${file}.io`) as Record<string, string>;
      const tx = transactionFromRpc(RpcTransaction.parse(raw));
      expect(tx.type).toBe(type);
      expect(tx.hash).toBe(raw.hash);
      expect(tx.value).toBe(BigInt(raw.value!).toString());
      if (type === 3) expect(tx.blobVersionedHashes!.length).toBeGreaterThan(0);
      if (type === 4)
        expect(tx.authorizationList![0]!.address).toBe("0x8c2319620d7c348bb4e2b2a0b230c81f310e9561");
      if (file === "get-legacy-create") expect(tx.to).toBeNull();
    });
  }
});

describe("receiptsFromRpc", () => {
  const receipts = readIoResult(`${apis}/eth_getBlockReceipts/get-block-receipts-latest.io`) as Record<
    string,
    string
  >[];
  const first = receipts[0]!;
  const block = { number: Number(first.blockNumber), hash: first.blockHash! } as Parameters<
    typeof receiptsFromRpc
  >[1];
  const txs = receipts.map((r) => ({ hash: r.transactionHash })) as Parameters<typeof receiptsFromRpc>[2];

  it("accepts a consistent set and flattens logs in order", () => {
    const { receipts: out, logs } = receiptsFromRpc(receipts, block, txs);
    expect(out).toHaveLength(receipts.length);
    for (let i = 1; i < logs.length; i++) expect(logs[i]!.logIndex).toBeGreaterThan(logs[i - 1]!.logIndex);
  });

  it("refuses a count mismatch, a reordering and a foreign log", () => {
    expect(() => receiptsFromRpc(receipts.slice(1), block, txs)).toThrow(/receipts for/);
    expect(receipts.length).toBeGreaterThan(1);
    expect(() => receiptsFromRpc([receipts[1], receipts[0], ...receipts.slice(2)], block, txs)).toThrow(
      /another tx/,
    );
    const withLog = receipts.findIndex((r) => (r.logs as unknown as unknown[]).length > 0);
    expect(withLog).toBeGreaterThanOrEqual(0);
    const bad = structuredClone(receipts) as unknown as { logs: { blockHash: string }[] }[];
    bad[withLog]!.logs[0]!.blockHash = `0x${"cd".repeat(32)}`;
    expect(() => receiptsFromRpc(bad, block, txs)).toThrow(/belongs elsewhere/);
    expect(() => receiptsFromRpc({}, block, txs)).toThrow(/array/);
  });
});
