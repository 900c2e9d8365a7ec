import { ChainlogError } from "@chainlog/tx-schema";
import {
  type Address,
  type Chain,
  createTestClient,
  defineChain,
  type Hash,
  http,
  publicActions,
  type TransactionReceipt,
  walletActions,
} from "viem";
import { DevnetRpcError, rpc } from "../json-rpc.ts";
import { waitFor } from "../wait-for.ts";

/** A viem client for a devnet: public + wallet actions (anvil's unlocked accounts) + anvil test actions. */
export function createDevnetClient({ rpcUrl, chainId }: { rpcUrl: string; chainId: number }) {
  return createTestClient({ mode: "anvil", chain: devnetChain(rpcUrl, chainId), transport: http(rpcUrl) })
    .extend(publicActions)
    .extend(walletActions);
}

export type DevnetClient = ReturnType<typeof createDevnetClient>;

/** Asks the node for its chain id, then builds the client. */
export async function connectDevnet(rpcUrl: string): Promise<DevnetClient> {
  const chainId = await rpc<string>(rpcUrl, "eth_chainId");
  if (typeof chainId !== "string") throw new DevnetRpcError(`eth_chainId answered no chain id at ${rpcUrl}`);
  return createDevnetClient({ rpcUrl, chainId: Number(chainId) });
}

export function devnetChain(rpcUrl: string, chainId: number): Chain {
  return defineChain({
    id: chainId,
    name: "devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export class TransactionRevertedError extends ChainlogError {
  override name = "TransactionRevertedError";
  constructor(readonly hash: Hash) {
    super(`transaction ${hash} reverted`);
  }
}

/**
 * Waits for the receipt and for the node's head to hold it, and throws on a revert, so a fixture never silently
 * half-deploys.
 */
export async function confirm(client: DevnetClient, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 });
  if (receipt.status !== "success") throw new TransactionRevertedError(hash);
  // anvil answers with the receipt a moment before its block is the head, and callers go on to read the head
  await waitFor(
    `the node's head to hold transaction ${hash}`,
    async () => (await client.getBlockNumber({ cacheTime: 0 })) >= receipt.blockNumber,
    10_000,
    10,
  );
  return receipt;
}

/** anvil's first unlocked account. */
export async function defaultAccount(client: DevnetClient): Promise<Address> {
  const [first] = await client.getAddresses();
  if (!first) throw new ChainlogError("the node has no unlocked accounts");
  return first;
}
