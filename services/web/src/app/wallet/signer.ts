import { useSyncExternalStore } from "react";
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { walletApi } from "../api/wallet.ts";
import { decryptKeystore, encryptKeystore, type V3Keystore } from "./keystore.ts";

/**
 * The unlocked key lives in this module only: in the page's memory, from the moment the user types their
 * password until they lock the wallet, sign out or leave. It is never stored, logged or sent anywhere.
 */
let unlocked: { address: string; key: Hex } | null = null;
const listeners = new Set<() => void>();
const changed = () => {
  for (const l of listeners) l();
};

export function lockWallet(): void {
  unlocked = null;
  changed();
}

export async function unlockWallet(keystore: V3Keystore, password: string): Promise<string> {
  const key = await decryptKeystore(keystore, password);
  unlocked = { address: `0x${keystore.address.toLowerCase()}`, key };
  changed();
  return unlocked.address;
}

/** The unlocked address, or null. */
export function useUnlockedAddress(): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unlocked?.address ?? null,
  );
}

/** Makes a key in the page, encrypts it with the password there, and stores only the keystore. */
export async function createWallet(password: string): Promise<string> {
  const key = generatePrivateKey();
  const keystore = await encryptKeystore(key, password);
  const saved = await walletApi.put(keystore);
  unlocked = { address: saved.address, key };
  changed();
  return saved.address;
}

export class RelayError extends Error {
  override name = "RelayError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

let nextId = 1;
/** An EIP-1193 provider over query-api's relay: the calls a wallet needs, through the user's session. */
export const relayProvider = {
  async request({ method, params }: { method: string; params?: unknown }) {
    const answer = await walletApi.rpc(nextId++, method, (params as unknown[] | undefined) ?? []);
    if (answer.error) throw new RelayError(answer.error.code, answer.error.message);
    return answer.result;
  },
} as EIP1193Provider;

/** A browser extension's provider (window.ethereum), when one is installed. */
export function injectedProvider(): EIP1193Provider | null {
  return (globalThis as { ethereum?: EIP1193Provider }).ethereum ?? null;
}

let chain: Promise<Chain> | undefined;
function nodeChain(): Promise<Chain> {
  chain ??= (relayProvider.request({ method: "eth_chainId" }) as Promise<string>).then((id) =>
    defineChain({
      id: Number(id),
      name: "Chainlog node",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [] } },
    }),
  );
  chain.catch(() => {
    chain = undefined;
  });
  return chain;
}

export async function publicClient() {
  return createPublicClient({ chain: await nodeChain(), transport: custom(relayProvider) });
}

/**
 * A client that signs with the unlocked key in the page and sends through the relay; or, with `injected`, one
 * that asks the browser extension to sign and send.
 */
export async function signingClient(options: { injected?: boolean } = {}) {
  const c = await nodeChain();
  if (options.injected) {
    const provider = injectedProvider();
    if (!provider) throw new Error("no browser wallet is installed");
    const [address] = (await provider.request({ method: "eth_requestAccounts" })) as Hex[];
    if (!address) throw new Error("the browser wallet shared no account");
    return createWalletClient({ account: address, chain: c, transport: custom(provider) });
  }
  if (!unlocked) throw new Error("unlock your wallet first");
  return createWalletClient({
    account: privateKeyToAccount(unlocked.key),
    chain: c,
    transport: custom(relayProvider),
  });
}
