import { isUtcDay } from "@chainlog/tx-schema";
import { z } from "zod";

/*
 * Request parameter schemas. The patterns are the ones of @chainlog/tx-schema's Hash, Address and Uint (a test
 * checks that whatever these accept, tx-schema accepts too); each carries a message that completes
 * "parameter '<name>' …", so every 400 names the parameter and says what it must be.
 */
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const UINT_RE = /^(0|[1-9][0-9]{0,77})$/;
const BLOCK_NUMBER_RE = /^(0|[1-9][0-9]{0,15})$/;

export const HashParam = z
  .string({ error: "must be a 32-byte 0x-hex hash" })
  .regex(HASH_RE, { error: "must be a 32-byte 0x-hex hash" })
  .transform((s) => s.toLowerCase());

export const AddressParam = z
  .string({ error: "must be a 20-byte 0x-hex address" })
  .regex(ADDRESS_RE, { error: "must be a 20-byte 0x-hex address" })
  .transform((s) => s.toLowerCase());

export const UintParam = z
  .string({ error: "must be an unsigned decimal integer" })
  .regex(UINT_RE, { error: "must be an unsigned decimal integer" });

export const BlockNumberParam = z
  .string({ error: "must be a decimal block number" })
  .regex(BLOCK_NUMBER_RE, { error: "must be a decimal block number" })
  .transform(Number)
  .refine(Number.isSafeInteger, { error: "must be a decimal block number" });

/** A block is addressed by number or by hash on the same path. */
export const BlockIdParam = z
  .string({ error: "must be a decimal block number or a 32-byte 0x-hex block hash" })
  .refine((s) => BLOCK_NUMBER_RE.test(s) || HASH_RE.test(s), {
    error: "must be a decimal block number or a 32-byte 0x-hex block hash",
  })
  .transform((s): { number: number } | { hash: string } =>
    s.startsWith("0x") ? { hash: s.toLowerCase() } : { number: Number(s) },
  )
  .refine((id) => !("number" in id) || Number.isSafeInteger(id.number), {
    error: "must be a decimal block number or a 32-byte 0x-hex block hash",
  });

export const LimitParam = z
  .string({ error: "must be an integer from 1 to 100" })
  .regex(/^[1-9][0-9]{0,2}$/, { error: "must be an integer from 1 to 100" })
  .transform(Number)
  .refine((n) => n <= 100, { error: "must be an integer from 1 to 100" })
  .default(25);

/** Opaque store cursor; the store itself rejects cursors it did not make. */
export const CursorParam = z
  .string({ error: "must be a cursor returned as nextCursor" })
  .regex(/^[A-Za-z0-9_\-.~:=+/]{1,512}$/, { error: "must be a cursor returned as nextCursor" })
  .optional();

export const PageQuery = z.object({ limit: LimitParam, cursor: CursorParam });

/** Ids the meta stores make (UUIDs, Mongo ObjectIds): a conservative charset, never an operator object. */
export const IdParam = z
  .string({ error: "must be an id" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be an id (letters, digits, '-' or '_')" });

export const EmailField = z
  .string({ error: "must be an e-mail address" })
  .trim()
  .max(254, { error: "must be at most 254 characters" })
  .pipe(z.email({ error: "must be an e-mail address" }));

export const PasswordField = z
  .string({ error: "must be a string of 8 to 256 characters" })
  .min(8, { error: "must be at least 8 characters" })
  .max(256, { error: "must be at most 256 characters" });

export const NameField = z
  .string({ error: "must be a string of 1 to 100 characters" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" });

export const ScopeField = z.enum(["read", "stream", "export", "account"], {
  error: "must be one of read, stream, export, account",
});

/** A page size with its own bounds (price series allow larger pages than the default 1..100). */
export const limitParam = (max: number, fallback: number) =>
  z
    .string({ error: `must be an integer from 1 to ${max}` })
    .regex(/^[1-9][0-9]{0,5}$/, { error: `must be an integer from 1 to ${max}` })
    .transform(Number)
    .refine((n) => n <= max, { error: `must be an integer from 1 to ${max}` })
    .default(fallback);

/** Unix time in seconds (block timestamps). */
export const UnixSecondsParam = z
  .string({ error: "must be a unix time in seconds" })
  .regex(/^(0|[1-9][0-9]{0,11})$/, { error: "must be a unix time in seconds" })
  .transform(Number);

/** A real calendar day (2024-02-30 is refused) from 1970 on (no chain is older), as YYYY-MM-DD. */
export const UtcDayParam = z
  .string({ error: "must be a UTC day YYYY-MM-DD" })
  .refine((s) => isUtcDay(s) && s >= "1970-01-01", { error: "must be a UTC day YYYY-MM-DD" });

export const QuoteParam = z.enum(["USD", "ETH"], { error: "must be USD or ETH" }).default("USD");
