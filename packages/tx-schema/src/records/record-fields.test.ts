import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Block } from "./block.ts";
import { Log } from "./log.ts";
import { SafeInt } from "./primitives.ts";
import { NotFast, type ReadRules, recordFields, recordReader } from "./record-fields.ts";

/** Marks each value with the kind it was read as, so the test sees which rule read which field. */
const tagging: ReadRules = {
  scalar: (kind) => (v) => `${kind}:${String(v)}`,
  orNull: (read) => (v) => (v === null ? null : read(v)),
};

describe("record fields", () => {
  it("are read from the record schemas: kinds, nullability, lists and their limits", () => {
    const log = recordFields(Log.shape);
    expect(log.map((f) => f.key)).toEqual(Object.keys(Log.shape));
    expect(log.find((f) => f.key === "topics")).toEqual({
      key: "topics",
      nullable: false,
      list: true,
      max: 4,
      kind: "hash",
    });
    const withdrawals = recordFields(Block.shape).find((f) => f.key === "withdrawals")!;
    expect(withdrawals.nullable).toBe(true);
    expect(withdrawals.kind).toEqual([
      { key: "index", nullable: false, list: false, max: undefined, kind: "int" },
      { key: "validatorIndex", nullable: false, list: false, max: undefined, kind: "int" },
      { key: "address", nullable: false, list: false, max: undefined, kind: "address" },
      { key: "amount", nullable: false, list: false, max: undefined, kind: "uint" },
    ]);
  });

  it("refuse a field whose schema no reader knows, when the module loads rather than on a message", () => {
    expect(() => recordFields({ n: SafeInt, note: z.string() })).toThrow(/record field note: no reader/);
  });

  it("compiled and looping readers return the same record, keys in the schema's order", () => {
    const source = {
      ...Object.fromEntries(Object.keys(Block.shape).map((k, i) => [k, i])),
      nonce: null,
      withdrawals: [{ index: 1, validatorIndex: 2, address: "a", amount: 3 }],
      extra: "not read",
    };
    const options = { computed: { transactionCount: () => 7 } };
    const compiled = recordReader(recordFields(Block.shape), tagging, { ...options, compile: true })(source);
    const looping = recordReader(recordFields(Block.shape), tagging, { ...options, compile: false })(source);
    expect(compiled).toStrictEqual(looping);
    expect(Object.keys(compiled)).toEqual(Object.keys(Block.shape));
    expect(compiled).toMatchObject({
      number: "int:0",
      nonce: null,
      transactionCount: 7,
      withdrawals: [{ index: "int:1", validatorIndex: "int:2", address: "address:a", amount: "uint:3" }],
    });
  });

  it("refuse what is not an object, and lists over their limit", () => {
    const read = recordReader(recordFields(Log.shape), tagging);
    expect(() => read([])).toThrow(NotFast);
    expect(() => read({ topics: ["1", "2", "3", "4", "5"] })).toThrow(NotFast);
  });
});
