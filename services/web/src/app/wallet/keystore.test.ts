import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { decryptKeystore, encryptKeystore, type V3Keystore, WrongPasswordError } from "./keystore.ts";

// The PBKDF2 test vector of the Web3 Secret Storage definition (ethereum.org / the go-ethereum wiki).
const SPEC_VECTOR: V3Keystore = {
  version: 3,
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  address: "008aeeda4d805471df9b2a5b0f38a0c3bcba786b",
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
};

describe("v3 keystore in Web Crypto", () => {
  it("opens the specification's test vector", async () => {
    expect(await decryptKeystore(SPEC_VECTOR, "testpassword")).toBe(
      "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
    );
  });

  it("round-trips a fresh key, holds no key material in clear, and refuses a wrong password", async () => {
    const key = generatePrivateKey();
    const keystore = await encryptKeystore(key, "pässword 🙂", { iterations: 100_000 });
    expect(keystore.address).toBe(privateKeyToAddress(key).slice(2).toLowerCase());
    expect(JSON.stringify(keystore)).not.toContain(key.slice(2));
    expect(await decryptKeystore(keystore, "pässword 🙂")).toBe(key);
    await expect(decryptKeystore(keystore, "password")).rejects.toBeInstanceOf(WrongPasswordError);
    // A flipped ciphertext bit fails the MAC, never yields another key.
    const tampered = {
      ...keystore,
      crypto: { ...keystore.crypto, ciphertext: `${keystore.crypto.ciphertext.slice(0, -1)}0` },
    };
    if (tampered.crypto.ciphertext !== keystore.crypto.ciphertext)
      await expect(decryptKeystore(tampered, "pässword 🙂")).rejects.toBeInstanceOf(WrongPasswordError);
  });
});
