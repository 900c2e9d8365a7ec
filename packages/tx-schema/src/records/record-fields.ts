import { z } from "zod";
import { Address, Byte, Hash, Hex, SafeInt, TxStatus, Uint } from "./primitives.ts";

/**
 * The record schemas (block.ts, transaction.ts, receipt.ts, log.ts) are the one list of a chain record's fields.
 * The JSON-RPC answer schemas (rpc/rpc-schemas.ts) and the hand-checked readers (rpc/from-rpc-fast.ts,
 * bus/fast-envelope.ts) are derived from them here, so a field added to a record reaches every reader.
 */
export type ScalarKind = "int" | "uint" | "hash" | "address" | "hex" | "byte" | "status";

export interface RecordField {
  key: string;
  nullable: boolean;
  /** A list of `kind` (with at most `max` items), not one. */
  list: boolean;
  max: number | undefined;
  /** A scalar, or the fields of a nested object. */
  kind: ScalarKind | RecordField[];
}

const SCALARS = new Map<z.ZodType, ScalarKind>([
  [SafeInt, "int"],
  [Uint, "uint"],
  [Hash, "hash"],
  [Address, "address"],
  [Hex, "hex"],
  [Byte, "byte"],
  [TxStatus, "status"],
]);

export function recordFields(shape: z.ZodRawShape): RecordField[] {
  return Object.entries(shape).map(([key, schema]) => recordField(key, schema as z.ZodType));
}

function recordField(key: string, schema: z.ZodType): RecordField {
  let inner: z.ZodType = schema;
  const nullable = inner instanceof z.ZodNullable;
  if (inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  let max: number | undefined;
  const list = inner instanceof z.ZodArray;
  if (inner instanceof z.ZodArray) {
    for (const check of inner._zod.def.checks ?? [])
      if (check._zod.def.check === "max_length")
        max = (check._zod.def as unknown as { maximum: number }).maximum;
    inner = inner.element as z.ZodType;
  }
  const kind = inner instanceof z.ZodObject ? recordFields(inner.shape) : SCALARS.get(inner);
  // a schema built inline (not from primitives.ts) has no reader: a new field fails at import, not in production
  if (kind === undefined)
    throw new Error(`record field ${key}: no reader for its schema (see record-fields.ts)`);
  return { key, nullable, list, max, kind };
}

/**
 * Thrown by the hand-checked readers on anything they do not accept; the caller then runs the zod schemas, which
 * word the error. So the readers need not be complete, only never more lenient than the schemas.
 */
export class NotFast extends Error {
  override name = "NotFast";
}
export const notFast = (): never => {
  throw new NotFast();
};

export type Obj = Record<string, unknown>;
export const asObject = (v: unknown): Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : notFast();
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : notFast());

export type Read = (v: unknown) => unknown;

/** How one reader reads a record's scalars, and how an absent value reads (null, or also undefined). */
export interface ReadRules {
  scalar(kind: ScalarKind, field: RecordField, label: string): Read;
  orNull(read: Read): Read;
}

/** Whether this runtime may compile code (a page's Content-Security-Policy may forbid it; zod asks alike). */
const CAN_COMPILE = (() => {
  try {
    return new Function("return true")() === true;
  } catch {
    return false;
  }
})();

type FieldRead = (v: unknown, source: Obj) => unknown;

/**
 * A reader of an object with these fields. It writes the keys in the record's order, so every record it
 * returns has the same shape (and serialises like the schema's output); `computed` fields are given by the caller.
 * The reader is compiled into one object literal where the runtime allows: a loop of keyed stores is about half as
 * fast, and these readers exist for speed.
 */
export function recordReader(
  fields: RecordField[],
  rules: ReadRules,
  options: {
    label?: string;
    computed?: Record<string, (source: Obj) => unknown>;
    /** false: the loop a runtime without code compilation runs (tests compare the two). */
    compile?: boolean;
  } = {},
): (v: unknown) => Obj {
  const reads: [string, FieldRead][] = fields.map((f) => {
    const compute = options.computed?.[f.key];
    if (compute) return [f.key, (_v: unknown, source: Obj) => compute(source)];
    const label = `${options.label ?? ""}${f.key}`;
    const one: Read = Array.isArray(f.kind)
      ? recordReader(f.kind, rules, { label: `${label}.`, compile: options.compile })
      : rules.scalar(f.kind, f, label);
    const max = f.max ?? Number.POSITIVE_INFINITY;
    const read: Read = f.list
      ? (v) => {
          const items = asArray(v);
          return items.length > max ? notFast() : items.map(one);
        }
      : one;
    return [f.key, f.nullable ? rules.orNull(read) : read];
  });
  if (options.compile ?? CAN_COMPILE) {
    // keys come from the record schemas (identifiers), quoted all the same
    const names = reads.map((_, i) => `r${i}`);
    const body = reads.map(([key], i) => `${JSON.stringify(key)}: r${i}(s[${JSON.stringify(key)}], s)`);
    const compile = new Function(
      "asObject",
      ...names,
      `return (v) => { const s = asObject(v); return { ${body.join(", ")} }; };`,
    );
    return compile(asObject, ...reads.map(([, read]) => read));
  }
  return (v) => {
    const source = asObject(v);
    const out: Obj = {};
    for (const [key, read] of reads) out[key] = read(source[key], source);
    return out;
  };
}
