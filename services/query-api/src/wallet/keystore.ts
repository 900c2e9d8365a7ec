import { z } from "zod";

const hex = (bytes: number, what: string) =>
  z
    .string({ error: `must be ${bytes} bytes of hex (${what})` })
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), { error: `must be ${bytes} bytes of hex (${what})` });

/*
 * Ethereum's v3 keystore (Web3 Secret Storage), as the web app makes it in the browser: AES-128-CTR under a key
 * derived from the password, with a keccak-256 MAC. The server cannot check that the ciphertext is what it says;
 * it checks the shape, and that the derivation is not so cheap that a stolen keystore is easy to brute-force.
 */
const Pbkdf2 = z.strictObject({
  kdf: z.literal("pbkdf2"),
  kdfparams: z.strictObject({
    c: z
      .number()
      .int()
      .min(100_000, { error: "must be at least 100000 iterations" })
      .max(10_000_000, { error: "must be at most 10000000 iterations" }),
    dklen: z.literal(32),
    prf: z.literal("hmac-sha256"),
    salt: hex(32, "salt"),
  }),
});
const Scrypt = z.strictObject({
  kdf: z.literal("scrypt"),
  kdfparams: z.strictObject({
    n: z
      .number()
      .int()
      .min(8192, { error: "must be at least 8192" })
      .max(1 << 20, { error: "must be at most 1048576" }),
    r: z.number().int().min(1).max(16),
    p: z.number().int().min(1).max(16),
    dklen: z.literal(32),
    salt: hex(32, "salt"),
  }),
});
const Cipher = z.strictObject({
  cipher: z.literal("aes-128-ctr"),
  // A private key is 32 bytes.
  ciphertext: hex(32, "ciphertext"),
  cipherparams: z.strictObject({ iv: hex(16, "iv") }),
  mac: hex(32, "mac"),
});

export const V3Keystore = z.strictObject({
  version: z.literal(3),
  id: z.uuid({ error: "must be a UUID" }),
  address: z
    .string({ error: "must be a 20-byte hex address without 0x" })
    .regex(/^[0-9a-fA-F]{40}$/, { error: "must be a 20-byte hex address without 0x" }),
  crypto: z.union([Cipher.extend(Pbkdf2.shape), Cipher.extend(Scrypt.shape)]),
});
export type V3Keystore = z.output<typeof V3Keystore>;
