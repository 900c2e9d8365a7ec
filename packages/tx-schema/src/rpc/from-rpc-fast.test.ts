import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADDRESS_PATTERN, HASH_PATTERN, HEX_PATTERN } from "../records/primitives.ts";
import { NotFast } from "../records/record-fields.ts";
import { readIoResult, readSharedJson, sharedFixturesDir } from "../test-support/shared-fixtures.ts";
import { blockFromRpc, blockFromSchema, receiptFromSchema, receiptsFromRpc } from "./from-rpc.ts";
import { fastBlock, fastReceipt, isHexString } from "./from-rpc-fast.ts";
import { QUANTITY_PATTERN } from "./quantity.ts";

const etl = "blockchain-etl__ethereum-etl/tests/resources";
const apis = "ethereum__execution-apis/tests";

/** Every recorded full block (ethereum-etl's mainnet answers and execution-apis' cases). */
function recordedBlocks(): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(sharedFixturesDir, rel), { withFileTypes: true })) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (/eth_getBlockByNumber_0x[0-9a-f]+_true\.json$/.test(e.name))
        out.push([path, (readSharedJson(path) as { result: unknown }).result]);
    }
  };
  walk(etl);
  for (const e of readdirSync(join(sharedFixturesDir, apis, "eth_getBlockByNumber")))
    out.push([e, readIoResult(`${apis}/eth_getBlockByNumber/${e}`)]);
  return out;
}

function recordedReceipts(): unknown[] {
  const out: unknown[] = [];
  for (const e of readdirSync(join(sharedFixturesDir, apis, "eth_getBlockReceipts")))
    out.push(...((readIoResult(`${apis}/eth_getBlockReceipts/${e}`) as unknown[] | null) ?? []));
  for (const e of readdirSync(join(sharedFixturesDir, apis, "eth_getTransactionReceipt")))
    out.push(readIoResult(`${apis}/eth_getTransactionReceipt/${e}`));
  return out.filter((r) => r !== null);
}

describe("the fast RPC readers equal the schemas", () => {
  it("on every recorded block that has full transactions", () => {
    let compared = 0;
    for (const [name, raw] of recordedBlocks()) {
      let reference: ReturnType<typeof blockFromSchema>;
      try {
        reference = blockFromSchema(raw);
      } catch {
        // e.g. hashes where full transactions were asked: refused, left to the schemas to explain
        expect(() => fastBlock(raw), name).toThrow(NotFast);
        continue;
      }
      expect(fastBlock(raw), name).toStrictEqual(reference);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it("on every recorded receipt", () => {
    const receipts = recordedReceipts();
    expect(receipts.length).toBeGreaterThan(5);
    for (const r of receipts) expect(fastReceipt(r)).toStrictEqual(receiptFromSchema(r));
  });

  it("on upper-case hex, leading zeros and quantities past 2^53", () => {
    const raw = structuredClone(
      (
        readSharedJson(
          `${etl}/test_export_blocks_job/blocks_with_transactions/web3_response.eth_getBlockByNumber_0xb872_true.json`,
        ) as { result: Record<string, unknown> }
      ).result,
    );
    const tx = (raw.transactions as Record<string, unknown>[])[0]!;
    tx.from = (tx.from as string).toUpperCase().replace("0X", "0x");
    tx.value = "0xDE0B6B3A7640000FFFF"; // 20 hex digits: beyond a double's exact range
    tx.nonce = "0x0001";
    raw.difficulty = "0x1234567890ABCDEF12";
    const fast = fastBlock(raw);
    expect(fast).toStrictEqual(blockFromSchema(raw));
    expect(fast.transactions[0]!.value).toBe(BigInt("0xDE0B6B3A7640000FFFF").toString());
    expect(fast.transactions[0]!.nonce).toBe("1");
    expect(fast.transactions[0]!.from).toBe((tx.from as string).toLowerCase());
  });

  it("refuse what the schemas refuse, so the schemas word the error", () => {
    const [receipt] = recordedReceipts().filter((r) => (r as { logs: unknown[] }).logs.length > 0) as Record<
      string,
      unknown
    >[];
    const withLog = (patch: Record<string, unknown>) => ({
      ...receipt,
      logs: [{ ...(receipt!.logs as Record<string, unknown>[])[0], ...patch }],
    });
    for (const bad of [
      { ...receipt, gasUsed: "12" },
      { ...receipt, gasUsed: "0x" },
      { ...receipt, status: 1 },
      { ...receipt, logsBloom: "0xzz" },
      { ...receipt, to: "0x1234" },
      { ...receipt, logs: null },
      withLog({ removed: null }),
      withLog({ topics: Array(5).fill(`0x${"11".repeat(32)}`) }),
      withLog({ data: undefined }),
    ]) {
      expect(() => fastReceipt(bad)).toThrow(NotFast);
      expect(() => receiptFromSchema(bad)).toThrow();
    }
    const block = { number: Number(receipt!.blockNumber), hash: receipt!.blockHash } as never;
    expect(() =>
      receiptsFromRpc([{ ...receipt, gasUsed: "12" }], block, [{ hash: receipt!.transactionHash }] as never),
    ).toThrow(/receipt 0: gasUsed: expected a 0x-hex quantity/);
    expect(() => blockFromRpc({ number: "0x1" })).toThrow(/hash/);
  });

  it("take a value again by comparing, but never one they refused, between good ones", () => {
    const [receipt] = recordedReceipts() as Record<string, unknown>[];
    const first = fastReceipt(receipt);
    // the same values again (the readers' remembered ones), then bad ones in the same fields, then good again
    expect(fastReceipt({ ...receipt })).toStrictEqual(first);
    for (const bad of [
      { ...receipt, blockHash: (receipt!.blockHash as string).slice(0, 40) },
      { ...receipt, gasUsed: undefined },
      { ...receipt, gasUsed: null },
      { ...receipt, logsBloom: "" },
    ])
      expect(() => fastReceipt(bad)).toThrow(NotFast);
    expect(fastReceipt({ ...receipt })).toStrictEqual(first);
    const upper = { ...receipt, blockHash: (receipt!.blockHash as string).toUpperCase().replace("0X", "0x") };
    expect(fastReceipt(upper).receipt.blockHash).toBe(first.receipt.blockHash);
  });
});

describe("isHexString", () => {
  it("matches exactly what the schemas' hex patterns match", () => {
    const patterns: [RegExp, number, number][] = [
      [QUANTITY_PATTERN, 1, 64],
      [HASH_PATTERN, 64, 64],
      [ADDRESS_PATTERN, 40, 40],
      [HEX_PATTERN, 0, Number.POSITIVE_INFINITY],
    ];
    // near misses: every length around the bounds, a wrong character anywhere, 0X, line ends, non-ASCII
    const alphabet = [..."0123456789abcdefABCDEF", "g", "G", "x", "X", " ", "\n", "é", "\u0660", "-"];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples: unknown[] = ["", "0", "0x", "0X1", "x0", "0x\n", "\n0x1", "0x1\n", 1, null, undefined, {}];
    for (let n = 0; n < 3000; n++) {
      const length = [0, 1, 39, 40, 41, 63, 64, 65, 66, 100][n % 10]!;
      let digits = "";
      for (let i = 0; i < length; i++) digits += "0123456789abcdefABCDEF"[Math.floor(random() * 22)];
      if (n % 3 === 0 && length > 0) {
        const at = Math.floor(random() * length);
        digits =
          digits.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + digits.slice(at + 1);
      }
      samples.push(`0x${digits}`, n % 7 === 0 ? `0X${digits}` : `${digits}`);
    }
    for (const [pattern, min, max] of patterns)
      for (const v of samples)
        expect(isHexString(v, min, max), `${pattern} ${JSON.stringify(v)}`).toBe(
          typeof v === "string" && pattern.test(v),
        );
  });
});
