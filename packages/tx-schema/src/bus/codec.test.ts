import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decodeEnrichMessage,
  decodeEnvelope,
  decodeProcessed,
  EnvelopeDecodeError,
  encodeEnvelope,
  encodeProcessed,
  encodeStored,
  Headers,
  SCHEMA_VERSION,
} from "./codec.ts";
import type { BusEnvelope } from "./envelope.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures");
function load(version: string, name: string): { headers: Record<string, string>; value: unknown } {
  return JSON.parse(readFileSync(join(fixtures, version, name), "utf8"));
}

describe("bus codec", () => {
  it("round-trips every current fixture and stamps the schema version", () => {
    for (const name of readdirSync(join(fixtures, "v3"))) {
      const { headers, value } = load("v3", name);
      const env = decodeEnvelope(JSON.stringify(value), headers);
      const encoded = encodeEnvelope(env);
      expect(encoded.headers[Headers.schemaVersion]).toBe(String(SCHEMA_VERSION));
      expect(decodeEnvelope(encoded.value, encoded.headers)).toEqual(env);
      // version 3 is version 2's records, with the block message's copies left out on the wire
      const v2 = load("v2", name);
      expect(env).toEqual(decodeEnvelope(JSON.stringify(v2.value), v2.headers));
      expect(JSON.stringify(value).length).toBeLessThanOrEqual(JSON.stringify(v2.value).length);
    }
  });

  it("decodes a message held in part of a larger buffer, as drivers hand them out", () => {
    const { headers, value } = load("v2", readdirSync(join(fixtures, "v2"))[0]!);
    const env = decodeEnvelope(JSON.stringify(value), headers);
    const { value: bytes, headers: written } = encodeEnvelope(env);
    const pool = Buffer.alloc(bytes.length + 64, "x");
    bytes.copy(pool, 32);
    expect(decodeEnvelope(new Uint8Array(pool.buffer, pool.byteOffset + 32, bytes.length), written)).toEqual(
      env,
    );
    expect(decodeEnvelope(pool.subarray(32, 32 + bytes.length), written)).toEqual(env);
  });

  it("decodes messages written by schema version 1 and upgrades them", () => {
    const { headers, value } = load("v1", "block.json");
    const env = decodeEnvelope(JSON.stringify(value), headers);
    if (env.kind !== "block") throw new Error("expected a block");
    expect(env.block.number).toBe(47218);
    expect(env.block.blobGasUsed).toBeNull();
    expect(env.transactions).toHaveLength(2);
    expect(
      env.transactions.every((t) => t.authorizationList === null && t.blobVersionedHashes === null),
    ).toBe(true);
    expect(env.receipts.every((r) => r.blobGasUsed === null)).toBe(true);
    // The upgraded message equals the v2 fixture of the same block.
    const current = load("v2", "block.json");
    expect(env).toEqual(decodeEnvelope(JSON.stringify(current.value), current.headers));
    const rb = load("v1", "rollback.json");
    expect(decodeEnvelope(JSON.stringify(rb.value), rb.headers).kind).toBe("rollback");
  });

  it("treats a message without a version header as version 1", () => {
    const { headers, value } = load("v1", "block.json");
    const { [Headers.schemaVersion]: _, ...rest } = headers;
    expect(decodeEnvelope(JSON.stringify(value), rest).kind).toBe("block");
  });

  it("refuses newer versions, non-JSON, and inconsistent bundles with a reason", () => {
    const { headers, value } = load("v2", "block.json");
    expect(() =>
      decodeEnvelope(JSON.stringify(value), { ...headers, [Headers.schemaVersion]: "99" }),
    ).toThrow(/unsupported schema version 99/);
    expect(() => decodeEnvelope("{not json", headers)).toThrow(EnvelopeDecodeError);
    const env = structuredClone(value) as { receipts: unknown[]; logs: { blockHash: string }[] };
    env.receipts.pop();
    expect(() => decodeEnvelope(JSON.stringify(env), headers)).toThrow(/receipt count/);
    const foreign = structuredClone(value) as { logs: { blockHash: string }[] };
    foreign.logs[0]!.blockHash = `0x${"ee".repeat(32)}`;
    expect(() => decodeEnvelope(JSON.stringify(foreign), headers)).toThrow(/another block/);
    expect(() => decodeEnvelope(JSON.stringify({ kind: "bogus" }), headers)).toThrow(EnvelopeDecodeError);
  });

  it("keys rollbacks and replacement blocks of one height alike", () => {
    const { headers, value } = load("v2", "block.json");
    const block = decodeEnvelope(JSON.stringify(value), headers);
    const rb = load("v2", "rollback.json");
    const rollback = decodeEnvelope(JSON.stringify(rb.value), rb.headers) as BusEnvelope;
    expect(encodeEnvelope(rollback).key).toBe(encodeEnvelope(block).key);
    expect(encodeEnvelope(rollback).headers[Headers.retraction]).toBe("1");
  });

  it("round-trips stored-block references and still reads full block copies on chainlog.enrich", () => {
    const ref = { kind: "stored" as const, chainId: 1, block: { number: 7, hash: `0x${"ab".repeat(32)}` } };
    const encoded = encodeStored(ref);
    expect(encoded.key).toBe("1:7");
    expect(encoded.headers[Headers.kind]).toBe("stored");
    expect(decodeEnrichMessage(encoded.value, encoded.headers)).toEqual(ref);
    // a copy of the block, as raw stages before references published it
    const { headers, value } = load("v2", "block.json");
    expect(decodeEnrichMessage(JSON.stringify(value), headers).kind).toBe("block");
    expect(() => decodeEnrichMessage('{"kind":"stored","chainId":1}', encoded.headers)).toThrow(
      /invalid stored-block message at block/,
    );
    expect(() =>
      decodeEnrichMessage(encoded.value, { ...encoded.headers, [Headers.schemaVersion]: "99" }),
    ).toThrow(/unsupported schema version 99/);
  });

  it("round-trips processed and retracted notices", () => {
    const { headers, value } = load("v2", "block.json");
    const env = decodeEnvelope(JSON.stringify(value), headers);
    if (env.kind !== "block") throw new Error("expected a block");
    const processed = {
      kind: "processed" as const,
      chainId: 1,
      block: { number: env.block.number, hash: env.block.hash, timestamp: env.block.timestamp },
    };
    const enc = encodeProcessed(processed);
    expect(decodeProcessed(enc.value, enc.headers)).toEqual(processed);
    // a reference: the block's number, hash and time, not its transactions again
    expect(enc.value.length).toBeLessThan(200);
    // a message of an earlier version, with the block's transactions and transfers, reads as the reference
    const withPayload = JSON.stringify({
      ...processed,
      transactions: env.transactions.map((t) => ({ ...t, status: 1 })),
      tokenTransfers: [],
    });
    expect(decodeProcessed(withPayload, enc.headers)).toEqual(processed);
    expect(() =>
      decodeProcessed('{"kind":"processed","chainId":1,"block":{"number":1}}', enc.headers),
    ).toThrow(/invalid processed message at block/);
    const retracted = { kind: "retracted" as const, chainId: 1, block: { number: 7, hash: env.block.hash } };
    const back = encodeProcessed(retracted);
    expect(decodeProcessed(back.value, back.headers)).toEqual(retracted);
    expect(() => decodeProcessed(enc.value, { ...enc.headers, [Headers.schemaVersion]: "1" })).toThrow(
      /unsupported/,
    );
  });
});
