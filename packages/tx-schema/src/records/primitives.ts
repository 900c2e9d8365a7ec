import { z } from "zod";

// the hand-checked readers (record-fields.ts) test the same patterns
export const HEX_PATTERN = /^0x[0-9a-fA-F]*$/;
export const HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;
export const UINT_PATTERN = /^(0|[1-9][0-9]{0,77})$/;

/** 0x-prefixed hex of any even or odd length (calldata, bloom, extraData). */
export const Hex = z.string().regex(HEX_PATTERN, "expected 0x-prefixed hex");
export type Hex = z.infer<typeof Hex>;

/** 32-byte hash, always lower case in records. */
export const Hash = z
  .string()
  .regex(HASH_PATTERN, "expected a 32-byte 0x-hex hash")
  .transform((s) => s.toLowerCase());
export type Hash = string;

/** 20-byte address, always lower case in records (checksums are a presentation concern). */
export const Address = z
  .string()
  .regex(ADDRESS_PATTERN, "expected a 20-byte 0x-hex address")
  .transform((s) => s.toLowerCase());
export type Address = string;

/**
 * Unsigned 256-bit integer as a decimal string: JSON has no bigint, and JS numbers lose precision past 2^53.
 */
export const Uint = z.string().regex(UINT_PATTERN, "expected an unsigned decimal integer string");
export type Uint = string;

/** Block numbers, indexes, timestamps: safe integers (2^53 is beyond any chain's lifetime). */
export const SafeInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One byte: the EIP-2718 transaction type. */
export const Byte = z.number().int().min(0).max(255);

/** A receipt's outcome: 1 success, 0 revert. */
export const TxStatus = z.union([z.literal(0), z.literal(1)]);

export const ChainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A block identified by both number and hash: the pair that makes a reorg detectable. */
export const BlockRef = z.object({ number: SafeInt, hash: Hash });
export type BlockRef = z.infer<typeof BlockRef>;
