import { decodeLogs } from "@chainlog/decoders";
import { block483920, fixture, rpcResult } from "@chainlog/decoders/test-support";
import { flattenBlockTrace, type RpcBlockTrace } from "@chainlog/rpc";
import { blockFromRpc } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "./csv-writer.ts";
import {
  blockRow,
  EtlColumns,
  logLine,
  logRow,
  receiptLine,
  receiptRow,
  tokenTransferLine,
  tokenTransferRow,
  traceRow,
  transactionLine,
  transactionRow,
} from "./etl-rows.ts";

/** The expected file's lines, and ours rendered the same way. */
const lines = (p: string) =>
  fixture(p)
    .split("\n")
    .filter((l) => l.trim() !== "");
const render = (columns: readonly string[], rows: Record<string, string>[]) => [
  columns.join(","),
  ...rows.map((r) => columns.map((c) => csvField(r[c] ?? "")).join(",")),
];
/**
 * These recordings predate EIP-4844: their expected files end before the blob columns, which ethereum-etl 2.4
 * appends last. Ours must start with exactly their columns; the comparison is over those.
 */
const legacy = (entity: keyof typeof EtlColumns, expectedHeader: string | undefined) => {
  const columns = (expectedHeader ?? "").split(",");
  expect(EtlColumns[entity].slice(0, columns.length)).toEqual(columns);
  expect(EtlColumns[entity].slice(columns.length).every((c) => /blob/.test(c))).toBe(true);
  return columns;
};

describe("ethereum-etl rows from recorded mainnet RPC answers", () => {
  it.each([
    ["block_without_transactions", ["0x0"]],
    ["block_with_logs", ["0x76250"]],
    ["blocks_with_transactions", ["0xb872", "0xb873"]],
  ])("%s: blocks.csv and transactions.csv match byte for byte", (dir, numbers) => {
    const parsed = numbers.map((n) =>
      blockFromRpc(
        rpcResult(`test_export_blocks_job/${dir}/web3_response.eth_getBlockByNumber_${n}_true.json`),
      ),
    );
    const expectedBlocks = lines(`test_export_blocks_job/${dir}/expected_blocks.csv`);
    expect(
      render(
        legacy("blocks", expectedBlocks[0]),
        parsed.map((p) => blockRow(p.block)),
      ),
    ).toEqual(expectedBlocks);
    const txRows = parsed.flatMap((p) => p.transactions.map((tx) => transactionRow(tx, p.block.timestamp)));
    expect(parsed.flatMap((p) => p.transactions.map((tx) => transactionLine(tx, p.block.timestamp)))).toEqual(
      txRows.map((r) => csvRow(EtlColumns.transactions, r)),
    );
    const expectedTx = lines(`test_export_blocks_job/${dir}/expected_transactions.csv`);
    // ethereum-etl writes an empty file (no header) when there are no transactions.
    expect(
      txRows.length === 0
        ? []
        : render(legacy("transactions", expectedTx[0] ?? EtlColumns.transactions.join(",")), txRows),
    ).toEqual(expectedTx);
  });

  it("receipts.csv, logs.csv and token_transfers.csv of block 483,920 match", () => {
    const { receipts, logs } = block483920();
    // The expected receipts file lists a subset, in its own order: compare by transaction.
    const expected = lines("test_export_receipts_job/receipts_with_logs/expected_receipts.csv");
    const ours = render(legacy("receipts", expected[0]), receipts.map(receiptRow));
    expect(ours[0]).toBe(expected[0]);
    for (const line of expected.slice(1)) expect(ours).toContain(line);
    expect(render(EtlColumns.logs, logs.map(logRow))).toEqual(
      lines("test_export_receipts_job/receipts_with_logs/expected_logs.csv"),
    );
    const transfers = decodeLogs(logs).tokenTransfers.flatMap((t) => {
      const row = tokenTransferRow(t);
      return row ? [row] : [];
    });
    // the export's lines, made straight from the records, are the rows' lines
    expect(receipts.map(receiptLine)).toEqual(
      receipts.map((r) => csvRow(EtlColumns.receipts, receiptRow(r))),
    );
    expect(logs.map(logLine)).toEqual(logs.map((l) => csvRow(EtlColumns.logs, logRow(l))));
    expect(decodeLogs(logs).tokenTransfers.map(tokenTransferLine).filter(Boolean)).toEqual(
      transfers.map((r) => csvRow(EtlColumns.token_transfers, r)),
    );
    expect(render(EtlColumns.token_transfers, transfers)).toEqual(
      lines("test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv"),
    );
  });
});

describe("ethereum-etl traces from recorded geth callTracer answers", () => {
  // extract_geth_traces leaves transaction_hash, status and trace_id empty (export_all fills them): ours are
  // checked apart, every other column byte for byte
  const filledByUs = new Set(["transaction_hash", "status", "trace_id"]);
  it.each([
    ["block_with_subtraces", "0xf4240"],
    ["block_with_create", "0xf44f2"],
    ["block_with_error", "0xf45bf"],
    ["block_with_suicide", "0xf7105"],
    ["block_without_transactions", "0x1"],
  ])("%s: traces.csv matches", (dir, number) => {
    const base = `test_extract_geth_traces_job/${dir}/`;
    const trace = rpcResult(`${base}web3_response.debug_traceBlockByNumber_${number}_tracer_calltracer.json`);
    const txs = (trace as unknown[]).map((_, i) => ({
      hash: `0x${(i + 1).toString(16).padStart(64, "0")}`,
      transactionIndex: i,
    }));
    const block = { number: Number(number), hash: `0x${"ab".repeat(32)}` };
    const frames = flattenBlockTrace(trace as RpcBlockTrace, block, txs);
    const rows = frames.map(traceRow);
    const expected = lines(`${base}expected_traces.csv`);
    // ethereum-etl writes an empty file (no header) for a block without traces
    if (rows.length > 0) expect(expected[0]).toBe(EtlColumns.traces.join(","));
    const blank = (r: Record<string, string>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, filledByUs.has(k) ? "" : v]));
    expect(rows.length === 0 ? [] : render(EtlColumns.traces, rows.map(blank))).toEqual(expected);
    for (const [i, r] of rows.entries()) {
      const f = frames[i]!;
      expect(r.transaction_hash).toBe(txs[f.transactionIndex]!.hash);
      expect(r.trace_id).toBe(`${r.trace_type}_${r.transaction_hash}_${f.traceAddress.join("_")}`);
      expect(r.status).toBe(f.error !== null ? "0" : r.status);
    }
  });

  it("status 0 for a failed frame's whole subtree; trace ids as ethereum-etl's", () => {
    const block = { number: 9, hash: `0x${"cd".repeat(32)}` };
    const tx = { hash: `0x${"ef".repeat(32)}`, transactionIndex: 0 };
    const a = (c: string) => `0x${c.repeat(40)}`;
    const frames = flattenBlockTrace(
      [
        {
          result: {
            type: "CALL",
            from: a("1"),
            to: a("2"),
            value: "0x0",
            calls: [
              { type: "CREATE2", from: a("2"), to: a("3"), value: "0x1", input: "0x60", output: "0x60" },
              {
                type: "DELEGATECALL",
                from: a("2"),
                to: a("4"),
                error: "execution reverted",
                calls: [{ type: "SELFDESTRUCT", from: a("2"), to: a("5"), value: "0x7" }],
              },
            ],
          },
        },
      ],
      block,
      [tx],
    );
    expect(
      frames
        .map(traceRow)
        .map((r) => [r.trace_type, r.call_type, r.trace_address, r.subtraces, r.status, r.value, r.trace_id]),
    ).toEqual([
      ["call", "call", "", "2", "1", "0", `call_${tx.hash}_`],
      ["create2", "", "0", "0", "1", "1", `create2_${tx.hash}_0`],
      ["call", "delegatecall", "1", "1", "0", "", `call_${tx.hash}_1`],
      ["suicide", "", "1,0", "0", "0", "7", `suicide_${tx.hash}_1_0`],
    ]);
  });
});

describe("the export's lines, straight from the records", () => {
  it("quote lists and leave out ERC-1155 transfers as the rows do", () => {
    const { receipts, logs } = block483920();
    const [tx] = blockFromRpc(
      rpcResult(
        "test_export_blocks_job/blocks_with_transactions/web3_response.eth_getBlockByNumber_0xb872_true.json",
      ),
    ).transactions;
    const blob = {
      ...tx!,
      type: 3,
      maxFeePerBlobGas: "7",
      blobVersionedHashes: [`0x01${"a".repeat(62)}`, `0x01${"b".repeat(62)}`],
    };
    const line = transactionLine(blob, 1);
    expect(line).toBe(csvRow(EtlColumns.transactions, transactionRow(blob, 1)));
    expect(line).toMatch(/,7,"0x01a+,0x01b+"\n$/);
    const created = {
      ...receipts[0]!,
      contractAddress: `0x${"c".repeat(40)}`,
      status: null,
      root: `0x${"d".repeat(64)}`,
    };
    expect(receiptLine(created)).toBe(csvRow(EtlColumns.receipts, receiptRow(created)));
    const bare = { ...logs[0]!, topics: [] };
    expect(logLine(bare)).toBe(csvRow(EtlColumns.logs, logRow(bare)));
    const erc1155 = { ...decodeLogs(logs).tokenTransfers[0]!, standard: "erc1155" as const, tokenId: "3" };
    expect(tokenTransferLine(erc1155)).toBeNull();
    expect(tokenTransferLine({ ...erc1155, standard: "erc721" })).toBe(
      csvRow(EtlColumns.token_transfers, tokenTransferRow({ ...erc1155, standard: "erc721" })!),
    );
  });
});
