import { ApiKeyScope, isUtcDay } from "@chainlog/tx-schema";
import { z } from "zod";

/*
 * Request parameter schemas. The patterns are the ones of @chainlog/tx-schema's Hash, Address and Uint (a test
 * checks that whatever these accept, tx-schema accepts too); each carries a message that completes
 * "parameter '<name>' …", so every 400 names the parameter and says what it must be.
 */
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const UINT_RE = /^(0|[1-9][0-9]{0,77})$/;
/* 15 digits: every such number is a safe integer, so the pattern alone says what is accepted. */
const BLOCK_NUMBER_RE = /^(0|[1-9][0-9]{0,14})$/;

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

/** A block is addressed by number or by hash on the same path (one pattern, so the document says the same). */
export const BlockIdParam = z
  .string({ error: "must be a decimal block number or a 32-byte 0x-hex block hash" })
  .regex(/^(0|[1-9][0-9]{0,14}|0x[0-9a-fA-F]{64})$/, {
    error: "must be a decimal block number or a 32-byte 0x-hex block hash",
  })
  .transform((s): { number: number } | { hash: string } =>
    s.startsWith("0x") ? { hash: s.toLowerCase() } : { number: Number(s) },
  );

/** 1..max as a pattern (max a power of ten), so the document bounds it exactly as the validator does. */
const upTo = (max: number) => {
  const digits = String(max).length - 1;
  if (String(max) !== `1${"0".repeat(digits)}`) throw new RangeError("page size bounds are powers of ten");
  return new RegExp(`^([1-9][0-9]{0,${digits - 1}}|${max})$`);
};

export const LimitParam = z
  .string({ error: "must be an integer from 1 to 100" })
  .regex(upTo(100), { error: "must be an integer from 1 to 100" })
  .transform(Number)
  .default(25);

/**
 * Opaque store cursor (payload.signature, base64url). A well-formed cursor the store did not make, or made for
 * another query, is a position that does not exist: 404, like an unknown id.
 */
export const CursorParam = z
  .string({ error: "must be a cursor returned as nextCursor" })
  .regex(/^[A-Za-z0-9_-]{1,480}\.[A-Za-z0-9_-]{22}$/, { error: "must be a cursor returned as nextCursor" })
  .optional();

export const PageQuery = z.object({ limit: LimitParam, cursor: CursorParam });

/** Ids the meta stores make (UUIDs, Mongo ObjectIds): a conservative charset, never an operator object. */
export const IdParam = z
  .string({ error: "must be an id" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be an id (letters, digits, '-' or '_')" });

/** RFC 5321's sizes too: a local part of at most 64 characters, domain labels of at most 63. */
export const EmailField = z
  .email({ error: "must be an e-mail address" })
  .max(254, { error: "must be at most 254 characters" })
  .refine(
    (s) => {
      const at = s.lastIndexOf("@");
      return (
        at <= 64 &&
        s
          .slice(at + 1)
          .split(".")
          .every((label) => label.length <= 63)
      );
    },
    { error: "must be an e-mail address" },
  );

export const PasswordField = z
  .string({ error: "must be a string of 8 to 256 characters" })
  .min(8, { error: "must be at least 8 characters" })
  .max(256, { error: "must be at most 256 characters" });

export const NameField = z
  .string({ error: "must be a string of 1 to 100 characters" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" });

export const ScopeField = z.enum(ApiKeyScope.options, {
  error: "must be one of read, stream, export, account",
});

/** A page size with its own bounds (price series allow larger pages than the default 1..100). */
export const limitParam = (max: number, fallback: number) =>
  z
    .string({ error: `must be an integer from 1 to ${max}` })
    .regex(upTo(max), { error: `must be an integer from 1 to ${max}` })
    .transform(Number)
    .default(fallback);

/** Unix time in seconds (block timestamps). */
export const UnixSecondsParam = z
  .string({ error: "must be a unix time in seconds" })
  .regex(/^(0|[1-9][0-9]{0,11})$/, { error: "must be a unix time in seconds" })
  .transform(Number);

/** A real calendar day (2024-02-30 is refused), as YYYY-MM-DD: the ISO date pattern, leap years included. */
export const UtcDayParam = z.iso
  .date({ error: "must be a UTC day YYYY-MM-DD" })
  .refine(isUtcDay, { error: "must be a UTC day YYYY-MM-DD" });

export const QuoteParam = z.enum(["USD", "ETH"], { error: "must be USD or ETH" }).default("USD");
