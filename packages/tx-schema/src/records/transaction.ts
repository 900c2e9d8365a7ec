import { z } from "zod";
import { InBlock } from "./event-location.ts";
import { Address, Byte, Hash, Hex, SafeInt, Uint } from "./primitives.ts";

/** EIP-2718 envelope types Chainlog knows by name; other numeric types (L2 deposits…) pass through. */
export const TransactionType = {
  legacy: 0,
  eip2930: 1,
  eip1559: 2,
  eip4844: 3,
  eip7702: 4,
} as const;

export const AccessListEntry = z.object({ address: Address, storageKeys: z.array(Hash) });
export type AccessListEntry = z.infer<typeof AccessListEntry>;

/** An ECDSA signature as the node gives it, without the legacy `v` (viem's Signature). */
const SignatureFields = { yParity: SafeInt, r: Hex, s: Hex };

/** EIP-7702 signed authorization: lets an EOA delegate to code at `address`. */
export const Authorization = z.object({ chainId: Uint, address: Address, nonce: Uint, ...SignatureFields });
export type Authorization = z.infer<typeof Authorization>;

/** The fields alone, without the per-type rules (older schema versions derive from this). */
export const TransactionFields = z.object({
  hash: Hash,
  ...InBlock,
  transactionIndex: SafeInt,
  from: Address,
  /** null for contract creation. */
  to: Address.nullable(),
  value: Uint,
  nonce: Uint,
  gas: Uint,
  gasPrice: Uint.nullable(),
  maxFeePerGas: Uint.nullable(),
  maxPriorityFeePerGas: Uint.nullable(),
  input: Hex,
  type: Byte,
  chainId: Uint.nullable(),
  accessList: z.array(AccessListEntry).nullable(),
  maxFeePerBlobGas: Uint.nullable(),
  blobVersionedHashes: z.array(Hash).nullable(),
  authorizationList: z.array(Authorization).nullable(),
  v: Uint.nullable(),
  r: Hex.nullable(),
  s: Hex.nullable(),
  yParity: SafeInt.nullable(),
});

export const Transaction = TransactionFields.superRefine((tx, ctx) => {
  // Type-specific fields must be present for the types that define them, so a half-decoded tx never passes.
  if (tx.type === TransactionType.eip1559 || tx.type === TransactionType.eip4844 || tx.type === 4) {
    if (tx.maxFeePerGas === null || tx.maxPriorityFeePerGas === null)
      ctx.addIssue({
        code: "custom",
        message: `type ${tx.type} transaction without fee caps`,
        path: ["maxFeePerGas"],
      });
  }
  if (
    tx.type === TransactionType.eip4844 &&
    (tx.blobVersionedHashes === null || tx.maxFeePerBlobGas === null)
  )
    ctx.addIssue({
      code: "custom",
      message: "blob transaction without blob fields",
      path: ["blobVersionedHashes"],
    });
  if (tx.type === TransactionType.eip7702 && tx.authorizationList === null)
    ctx.addIssue({
      code: "custom",
      message: "set-code transaction without authorizationList",
      path: ["authorizationList"],
    });
});
export type Transaction = z.infer<typeof Transaction>;
