import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NotFast } from "../records/record-fields.ts";
import { transactionFromRpc } from "../rpc/from-rpc.ts";
import { readIoResult } from "../test-support/shared-fixtures.ts";
import { decodeEnvelope, Headers } from "./codec.ts";
import { BlockEnvelope } from "./envelope.ts";
import { fastBlockEnvelope } from "./fast-envelope.ts";

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/v2/block.json"), "utf8"),
) as { headers: Record<string, string>; value: Record<string, unknown> };
const apis = "ethereum__execution-apis/tests/eth_getTransactionByHash";
type Env = {
  chainId: unknown;
  block: Record<string, unknown>;
  transactions: Record<string, unknown>[];
  receipts: Record<string, unknown>[];
  logs: unknown[];
};

/** The fixture's block with one transaction of every envelope type (legacy … set-code) in its place. */
function everyType(): Record<string, unknown> {
  const env = structuredClone(fixture.value) as {
    block: { hash: string; number: number; transactionCount: number };
    transactions: Record<string, unknown>[];
    receipts: Record<string, unknown>[];
    logs: unknown[];
  };
  const txs = ["get-legacy-tx", "get-access-list", "get-dynamic-fee", "get-blob-tx", "get-setcode-tx"].map(
    (f, i) => ({
      ...transactionFromRpc(readIoResult(`${apis}/${f}.io`)),
      blockHash: env.block.hash,
      blockNumber: env.block.number,
      transactionIndex: i,
    }),
  );
  env.transactions = txs;
  env.receipts = txs.map((t) => ({
    ...env.receipts[0],
    transactionHash: t.hash,
    transactionIndex: t.transactionIndex,
  }));
  env.logs = [];
  env.block.transactionCount = txs.length;
  return env;
}

describe("fastBlockEnvelope equals the BlockEnvelope schema", () => {
  it("on the recorded block message and on one with every transaction type", () => {
    expect(fastBlockEnvelope(fixture.value)).toStrictEqual(BlockEnvelope.parse(fixture.value));
    const all = everyType();
    expect(fastBlockEnvelope(all)).toStrictEqual(BlockEnvelope.parse(all));
    // upper-case hex is lower-cased as the schema's transform does, extra keys are dropped as it does
    const loud = structuredClone(fixture.value) as { block: Record<string, unknown>; extra?: number };
    loud.block.miner = (loud.block.miner as string).toUpperCase().replace("0X", "0x");
    loud.block.extra = 1;
    expect(fastBlockEnvelope(loud)).toStrictEqual(BlockEnvelope.parse(loud));
  });

  it("refuses what the schema refuses, and decodeEnvelope words it as before", () => {
    const bad: ((e: Env) => void)[] = [
      (e) => {
        e.block.number = -1;
      },
      (e) => {
        e.block.gasUsed = "012";
      },
      (e) => {
        e.block.nonce = undefined;
      },
      (e) => {
        e.chainId = 0;
      },
      (e) => {
        e.transactions[0]!.type = 256;
      },
      (e) => {
        e.transactions[2]!.maxFeePerGas = null; // type 2 without fee caps
      },
      (e) => {
        e.transactions[3]!.blobVersionedHashes = null;
      },
      (e) => {
        e.transactions[4]!.authorizationList = null;
      },
      (e) => {
        e.receipts[0]!.status = 2;
      },
      (e) => {
        e.receipts.pop();
      },
      (e) => {
        e.receipts[1]!.transactionHash = e.receipts[0]!.transactionHash;
      },
      (e) => {
        e.block.transactionCount = 4;
      },
      (e) => {
        e.logs = [{ ...(fixture.value.logs as object[])[0], blockHash: `0x${"ee".repeat(32)}` }];
      },
    ];
    for (const [i, mutate] of bad.entries()) {
      const env = everyType() as Env;
      mutate(env);
      expect(() => fastBlockEnvelope(env), `case ${i}`).toThrow(NotFast);
      expect(BlockEnvelope.safeParse(env).success, `case ${i}`).toBe(false);
    }
    const env = everyType() as Env;
    env.transactions[2]!.maxFeePerGas = null;
    expect(() => decodeEnvelope(JSON.stringify(env), fixture.headers)).toThrow(
      /invalid v2 message at transactions\.2\.maxFeePerGas: type 2 transaction without fee caps/,
    );
    expect(fixture.headers[Headers.schemaVersion]).toBe("2");
  });
});
