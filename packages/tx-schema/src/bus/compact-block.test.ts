import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeEnvelope, EnvelopeDecodeError, encodeEnvelope, Headers } from "./codec.ts";
import { EMPTY_BLOOM } from "./compact-block.ts";
import type { BlockEnvelope } from "./envelope.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures");
const v2 = JSON.parse(readFileSync(join(fixtures, "v2/block.json"), "utf8")) as {
  headers: Record<string, string>;
  value: unknown;
};

/** The fixture's block (two transactions, one log), decoded. */
function fixtureBlock(): BlockEnvelope {
  const env = decodeEnvelope(JSON.stringify(v2.value), v2.headers);
  if (env.kind !== "block") throw new Error("expected a block");
  return env;
}

type Wire = Record<string, Array<Record<string, unknown>>>;
const wire = (env: BlockEnvelope) => JSON.parse(encodeEnvelope(env).value.toString()) as Wire;
const roundTrip = (env: BlockEnvelope) => {
  const { value, headers } = encodeEnvelope(env);
  return decodeEnvelope(value, headers);
};

describe("version-3 block messages", () => {
  it("leave out the copies a receiver puts back, and decode to the same records", () => {
    const env = fixtureBlock();
    expect(env.receipts.every((r) => r.logsBloom === EMPTY_BLOOM)).toBe(true);
    const sent = wire(env);
    const absent = (rows: Array<Record<string, unknown>>, keys: string[]) => {
      for (const row of rows) for (const key of keys) expect(row).not.toHaveProperty(key);
    };
    absent(sent.transactions!, ["blockHash", "blockNumber"]);
    absent(sent.receipts!, [
      "transactionHash",
      "transactionIndex",
      "blockHash",
      "blockNumber",
      "from",
      "to",
      "type",
      "logsBloom",
    ]);
    absent(sent.logs!, ["blockHash", "blockNumber", "transactionHash"]);
    expect(roundTrip(env)).toEqual(env);
    expect(encodeEnvelope(env).value.length).toBeLessThan(0.8 * JSON.stringify(env).length);
  });

  it("send whole every copy that differs from what the receiver would put back", () => {
    const env = fixtureBlock();
    const other = `0x${"ab".repeat(20)}`;
    env.receipts[0]!.from = other;
    env.receipts[1]!.logsBloom = `0x${"ff".repeat(256)}`;
    env.receipts[1]!.type = 2;
    env.logs[0]!.transactionHash = `0x${"cd".repeat(32)}`;
    const sent = wire(env);
    expect(sent.receipts![0]!.from).toBe(other);
    expect(sent.receipts![1]!.logsBloom).toBe(env.receipts[1]!.logsBloom);
    expect(sent.receipts![1]!.type).toBe(2);
    expect(sent.logs![0]!.transactionHash).toBe(env.logs[0]!.transactionHash);
    expect(roundTrip(env)).toEqual(env);
  });

  it("refuse a field left out that nothing puts back, in the schema's words", () => {
    const { value, headers } = encodeEnvelope(fixtureBlock());
    const json = JSON.parse(value.toString()) as Wire;
    delete json.receipts![0]!.gasUsed;
    expect(() => decodeEnvelope(JSON.stringify(json), headers)).toThrow(
      /invalid v3 message at receipts\.0\.gasUsed/,
    );
    // a receipt with no transaction at its place gets no transaction fields back: the bundle is inconsistent
    const extra = JSON.parse(value.toString()) as Wire;
    extra.receipts!.push({ ...extra.receipts![1]!, transactionIndex: 2 });
    expect(() => decodeEnvelope(JSON.stringify(extra), headers)).toThrow(EnvelopeDecodeError);
  });

  it("put nothing back into a version-2 message: it was written whole", () => {
    const json = structuredClone(v2.value) as Wire;
    delete json.transactions![0]!.blockHash;
    expect(() => decodeEnvelope(JSON.stringify(json), v2.headers)).toThrow(
      /invalid v2 message at transactions\.0\.blockHash/,
    );
    expect(() =>
      decodeEnvelope(JSON.stringify(json), { ...v2.headers, [Headers.schemaVersion]: "3" }),
    ).not.toThrow();
  });
});
