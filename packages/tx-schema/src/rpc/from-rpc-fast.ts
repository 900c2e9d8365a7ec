import { Block } from "../records/block.ts";
import { Log } from "../records/log.ts";
import { Receipt } from "../records/receipt.ts";
import {
  asArray,
  asObject,
  notFast,
  type ReadRules,
  recordFields,
  recordReader,
  type ScalarKind,
} from "../records/record-fields.ts";
import { type Transaction, TransactionFields } from "../records/transaction.ts";

/**
 * The hot path of blockFromRpc / receiptsFromRpc: the checks of rpc-schemas.ts (same patterns, same nullish
 * rules, hashes and addresses lower-cased) made by hand, turning the answer into records in one pass. Zod builds
 * an intermediate object per field and costs about a quarter of an export's CPU. Anything not accepted throws
 * NotFast and the caller runs the schemas, which word the error (see record-fields.ts).
 */
// 1 for a lower-case hex digit, 3 for an upper-case one (its 2 bit says a string needs lower-casing)
const HEX_DIGIT = new Uint8Array(128);
for (const c of "0123456789abcdef") HEX_DIGIT[c.charCodeAt(0)] = 1;
for (const c of "ABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 3;

/**
 * Whether `v` is "0x" and `min` to `max` hex digits (what QUANTITY_PATTERN, HASH_PATTERN, ADDRESS_PATTERN and
 * HEX_PATTERN match; from-rpc-fast.test.ts holds them equal), two to five times faster than the regexes for the
 * answer's millions of short strings: 0 when not, 1 when its digits are lower-case, 3 when some are not.
 */
function hexKind(v: unknown, min: number, max: number): 0 | 1 | 3 {
  if (typeof v !== "string") return 0;
  const digits = v.length - 2;
  if (digits < min || digits > max || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 120) return 0;
  let kind = 1;
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const d = c > 127 ? 0 : HEX_DIGIT[c]!;
    if (d === 0) return 0;
    kind |= d;
  }
  return kind as 1 | 3;
}

export const isHexString = (v: unknown, min = 0, max = Number.POSITIVE_INFINITY): v is string =>
  hexKind(v, min, max) !== 0;

/** `v` lower-cased, if it is hex: toLowerCase copies even a string it does not change, so only when it would. */
function lowerCased(v: unknown, min: number, max: number): string {
  const kind = hexKind(v, min, max);
  return kind === 1 ? (v as string) : kind === 3 ? (v as string).toLowerCase() : notFast();
}

function qty(v: unknown): string {
  return isHexString(v, 1, 64) ? v : notFast();
}
/** Quantities of up to 13 hex digits are exact as doubles: no BigInt needed. */
function dec(v: unknown): string {
  const q = qty(v);
  return q.length <= 15 ? String(Number(q)) : BigInt(q).toString(10);
}
function int(v: unknown, field: string): number {
  const q = qty(v);
  if (q.length <= 15) return Number(q);
  const n = BigInt(q);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${field} ${q} exceeds 2^53`);
  return Number(n);
}
const hex = (v: unknown): string => (isHexString(v) ? v : notFast());
const lowerHex = (v: unknown): string => lowerCased(v, 0, Number.POSITIVE_INFINITY);
const hash = (v: unknown): string => lowerCased(v, 64, 64);
const address = (v: unknown): string => lowerCased(v, 40, 40);
const status = (v: unknown): 0 | 1 => (BigInt(qty(v)) === 1n ? 1 : 0);
/** Calldata is kept lower-cased; blooms, extraData and signatures as the node sent them. */
const LOWER_CASED_HEX = new Set(["input", "data"]);

const NONE = Symbol("none");
/**
 * An answer repeats values: every transaction, receipt and log of a block names the block, a receipt's logs its
 * transaction, and most receipts carry the same bloom. Each field's reader takes the value it accepted last by
 * comparing, without matching the pattern again (the readers are pure, and accept only strings or null).
 */
function remembering(read: (v: unknown) => unknown): (v: unknown) => unknown {
  let lastIn: unknown = NONE;
  let lastOut: unknown;
  return (v) => {
    if (v === lastIn) return lastOut;
    const out = read(v);
    lastIn = v;
    lastOut = out;
    return out;
  };
}

const rpc: ReadRules = {
  scalar: (kind, field, label) => remembering(scalarReader(kind, field.key, label)),
  orNull: (read) => (v) => (v == null ? null : read(v)),
};

function scalarReader(kind: ScalarKind, key: string, label: string): (v: unknown) => unknown {
  switch (kind) {
    case "int":
      return (v) => int(v, label);
    case "uint":
      return dec;
    case "hash":
      return hash;
    case "address":
      return address;
    case "hex":
      return LOWER_CASED_HEX.has(key) ? lowerHex : hex;
    case "byte":
      // an absent transaction type is a legacy (type 0) transaction
      return (v) => (v == null ? 0 : int(v, label));
    case "status":
      return status;
  }
}

/** One transaction object of an RPC answer, as a record. */
export const fastTransaction = recordReader(recordFields(TransactionFields.shape), rpc) as (
  v: unknown,
) => Transaction;
const readBlock = recordReader(recordFields(Block.shape), rpc, {
  computed: { transactionCount: (b) => asArray(b.transactions).length },
}) as (v: unknown) => Block;
const readReceipt = recordReader(recordFields(Receipt.shape), rpc) as (v: unknown) => Receipt;
const readLog = recordReader(recordFields(Log.shape), rpc, { label: "log." }) as (v: unknown) => Log;

/**
 * An `eth_getBlockByNumber(n, true)` answer as records, without the cross-checks (the caller makes them). A
 * transaction given as a bare hash throws NotFast: the schema path words that error.
 */
export function fastBlock(raw: unknown): { block: Block; transactions: Transaction[] } {
  const transactions = asArray(asObject(raw).transactions).map(fastTransaction);
  return { block: readBlock(raw), transactions };
}

function log(raw: unknown): Log {
  const removed = asObject(raw).removed;
  if (removed !== undefined && typeof removed !== "boolean") notFast();
  return readLog(raw);
}

/** One receipt (of `eth_getBlockReceipts` or `eth_getTransactionReceipt`) and its logs, as records. */
export function fastReceipt(raw: unknown): { receipt: Receipt; logs: Log[] } {
  return { receipt: readReceipt(raw), logs: asArray(asObject(raw).logs).map(log) };
}
