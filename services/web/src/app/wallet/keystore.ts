// the errors module alone: the schemas (and zod) stay out of the browser bundle
import { errorClass } from "@chainlog/tx-schema/errors";
import { bytesToHex, concat, type Hex, hexToBytes, keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";

/** Ethereum's v3 keystore (Web3 Secret Storage) with PBKDF2-HMAC-SHA256: what the browser can derive natively. */
export interface V3Keystore {
  version: 3;
  id: string;
  /** Lower-case hex, no 0x. */
  address: string;
  crypto: {
    cipher: "aes-128-ctr";
    ciphertext: string;
    cipherparams: { iv: string };
    kdf: "pbkdf2" | "scrypt";
    kdfparams: Record<string, unknown>;
    mac: string;
  };
}

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the API refuses fewer than 100,000. */
export const KEYSTORE_ITERATIONS = 600_000;

export class WrongPasswordError extends errorClass(
  "WrongPasswordError",
  () => "wrong password: the keystore's check value does not match",
) {}

export class UnsupportedKeystoreError extends errorClass("UnsupportedKeystoreError") {}

const strip = (hex: Hex) => hex.slice(2);
const bytes = (hex: string) => hexToBytes(`0x${hex}`);

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", salt: salt as BufferSource, iterations, hash: "SHA-256" },
    material,
    256,
  );
  return new Uint8Array(bits);
}

/** AES-128-CTR with the whole 16-byte IV as the counter block (what the v3 format specifies); its own inverse. */
async function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", key as BufferSource, { name: "AES-CTR" }, false, [
    "encrypt",
  ]);
  const out = await crypto.subtle.encrypt(
    { name: "AES-CTR", counter: iv as BufferSource, length: 128 },
    k,
    data as BufferSource,
  );
  return new Uint8Array(out);
}

const macOf = (derived: Uint8Array, ciphertext: Uint8Array) =>
  keccak256(concat([derived.slice(16, 32), ciphertext]), "bytes");

/** Encrypts a private key with the password, in the page: only the result ever leaves it. */
export async function encryptKeystore(
  privateKey: Hex,
  password: string,
  options: { iterations?: number } = {},
): Promise<V3Keystore> {
  const iterations = options.iterations ?? KEYSTORE_ITERATIONS;
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const derived = await derive(password, salt, iterations);
  const ciphertext = await aesCtr(derived.slice(0, 16), iv, hexToBytes(privateKey));
  return {
    version: 3,
    id: crypto.randomUUID(),
    address: strip(privateKeyToAddress(privateKey)).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: strip(bytesToHex(ciphertext)),
      cipherparams: { iv: strip(bytesToHex(iv)) },
      kdf: "pbkdf2",
      kdfparams: { c: iterations, dklen: 32, prf: "hmac-sha256", salt: strip(bytesToHex(salt)) },
      mac: strip(bytesToHex(macOf(derived, ciphertext))),
    },
  };
}

/** The private key, checked against the MAC (wrong password) and against the keystore's address. */
export async function decryptKeystore(keystore: V3Keystore, password: string): Promise<Hex> {
  const { crypto: c } = keystore;
  if (c.kdf !== "pbkdf2" || c.kdfparams.prf !== "hmac-sha256" || c.cipher !== "aes-128-ctr")
    throw new UnsupportedKeystoreError(`keystores with ${c.kdf}/${c.cipher} cannot be opened in the browser`);
  const derived = await derive(password, bytes(String(c.kdfparams.salt)), Number(c.kdfparams.c));
  const ciphertext = bytes(c.ciphertext);
  if (strip(bytesToHex(macOf(derived, ciphertext))) !== c.mac.toLowerCase()) throw new WrongPasswordError();
  const key = bytesToHex(await aesCtr(derived.slice(0, 16), bytes(c.cipherparams.iv), ciphertext));
  if (strip(privateKeyToAddress(key)).toLowerCase() !== keystore.address.toLowerCase())
    throw new UnsupportedKeystoreError("the keystore's key does not belong to its address");
  return key;
}
