/**
 * The hand-checked readers (fastBlock, fastReceipt, fastBlockEnvelope) against the zod schemas they stand in
 * for, on recorded answers: ethereum-etl's mainnet block 0xb872 with its transactions, execution-apis' receipts,
 * and the v2 bus fixture. Prints µs per call and the speed-up over the schema path measured in the same run.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeEnvelope } from "./bus/codec.ts";
import { BusEnvelope } from "./bus/envelope.ts";
import { fastBlockEnvelope } from "./bus/fast-envelope.ts";
import { blockFromSchema, receiptFromSchema } from "./rpc/from-rpc.ts";
import { fastBlock, fastReceipt } from "./rpc/from-rpc-fast.ts";
import { readIoResult, readSharedJson } from "./test-support/shared-fixtures.ts";

const block = (
  readSharedJson(
    "blockchain-etl__ethereum-etl/tests/resources/test_export_blocks_job/blocks_with_transactions/web3_response.eth_getBlockByNumber_0xb872_true.json",
  ) as { result: unknown }
).result;
const receipts = readIoResult(
  "ethereum__execution-apis/tests/eth_getBlockReceipts/get-block-receipts-by-hash.io",
) as unknown[];
const message = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../fixtures/v2/block.json"), "utf8"),
) as { headers: Record<string, string>; value: unknown };
const messageText = JSON.stringify(message.value);

/** Median µs per call over interleaved rounds, so a load change during the run hits both sides alike. */
function median(pairs: [string, () => unknown][], rounds = 9, roundMs = 150): Map<string, number> {
  const samples = new Map(pairs.map(([name]) => [name, [] as number[]]));
  for (const [, fn] of pairs) for (let i = 0; i < 200; i++) fn();
  for (let r = 0; r < rounds; r++)
    for (const [name, fn] of pairs) {
      let calls = 0;
      const start = performance.now();
      while (performance.now() - start < roundMs) {
        fn();
        calls++;
      }
      samples.get(name)!.push(((performance.now() - start) * 1000) / calls);
    }
  return new Map([...samples].map(([name, s]) => [name, s.sort((a, b) => a - b)[s.length >> 1]!]));
}

const cases: [string, [string, () => unknown], [string, () => unknown]][] = [
  [
    "RPC block (eth_getBlockByNumber, full txs)",
    ["fastBlock", () => fastBlock(block)],
    ["schema", () => blockFromSchema(block)],
  ],
  [
    `RPC receipts (${receipts.length} of eth_getBlockReceipts)`,
    ["fastReceipt", () => receipts.map(fastReceipt)],
    ["schema", () => receipts.map((r) => receiptFromSchema(r))],
  ],
  [
    "bus block message (v2 fixture)",
    ["fastBlockEnvelope", () => fastBlockEnvelope(JSON.parse(messageText))],
    ["schema", () => BusEnvelope.parse(JSON.parse(messageText))],
  ],
];
// the codec takes the fast path for this message: otherwise the figures above would not be what runs
decodeEnvelope(messageText, message.headers);
for (const [title, fast, schema] of cases) {
  const m = median([fast, schema]);
  const f = m.get(fast[0])!;
  const s = m.get(schema[0])!;
  console.log(
    `${title}: ${fast[0]} ${f.toFixed(2)} µs, schema ${s.toFixed(2)} µs → ${(s / f).toFixed(1)}× faster`,
  );
}
