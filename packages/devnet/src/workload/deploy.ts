import { ChainlogError } from "@chainlog/tx-schema";
import { type Address, type Hash, stringToHex } from "viem";
import {
  bytes32TokenArtifact,
  erc20Artifact,
  erc721Artifact,
  erc1155Artifact,
  ethRouterArtifact,
  factoryArtifact,
  stakingVaultArtifact,
  swapRouterArtifact,
  uniswapV2PairArtifact,
  weth9Artifact,
} from "./artifacts.ts";
import { confirm, type DevnetClient, defaultAccount } from "./client.ts";

interface From {
  /** An unlocked account; default: the node's first one. */
  account?: Address;
}

async function deployed(client: DevnetClient, hash: Hash): Promise<Address> {
  const receipt = await confirm(client, hash);
  if (!receipt.contractAddress) throw new ChainlogError(`transaction ${hash} created no contract`);
  return receipt.contractAddress;
}

export async function deployErc20(
  client: DevnetClient,
  {
    name = "Test Token",
    symbol = "TST",
    decimals = 18,
    account,
  }: From & { name?: string; symbol?: string; decimals?: number } = {},
): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({
    ...erc20Artifact,
    account: from,
    args: [name, symbol, decimals],
  });
  return deployed(client, hash);
}

/** A non-standard token whose name() and symbol() return bytes32 (as MKR's and EOS's do). */
export async function deployBytes32Token(
  client: DevnetClient,
  {
    name = "Bytes32 Token",
    symbol = "B32",
    decimals = 18n,
    account,
  }: From & { name?: string; symbol?: string; decimals?: bigint } = {},
): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({
    ...bytes32TokenArtifact,
    account: from,
    args: [stringToHex(name, { size: 32 }), stringToHex(symbol, { size: 32 }), decimals],
  });
  return deployed(client, hash);
}

export async function deployErc721(
  client: DevnetClient,
  { name = "Test Collection", symbol = "TNFT", account }: From & { name?: string; symbol?: string } = {},
): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...erc721Artifact, account: from, args: [name, symbol] });
  return deployed(client, hash);
}

export async function deployErc1155(client: DevnetClient, { account }: From = {}): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...erc1155Artifact, account: from, args: [] });
  return deployed(client, hash);
}

export async function deployWeth(client: DevnetClient, { account }: From = {}): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...weth9Artifact, account: from, args: [] });
  return deployed(client, hash);
}

/** A factory whose deploy(salt) creates two children, with CREATE and CREATE2 (see factoryDeploy). */
export async function deployFactory(client: DevnetClient, { account }: From = {}): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...factoryArtifact, account: from, args: [] });
  return deployed(client, hash);
}

/** A router that unwraps this WETH for a caller and pays the ETH on (see unwrapWethTo). */
export async function deployEthRouter(
  client: DevnetClient,
  { weth, account }: From & { weth: Address },
): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...ethRouterArtifact, account: from, args: [weth] });
  return deployed(client, hash);
}

export interface Pair {
  pair: Address;
  token0: Address;
  token1: Address;
}

/**
 * Deploys a Uniswap-V2-style pair for two of our Erc20s and seeds it with liquidity (the tokens' open mint pays
 * for it), as a router's addLiquidity would: transfer both tokens in, then mint shares.
 */
export async function createPair(
  client: DevnetClient,
  {
    tokenA,
    tokenB,
    amountA = 10n ** 24n,
    amountB = 10n ** 24n,
    account,
  }: From & { tokenA: Address; tokenB: Address; amountA?: bigint; amountB?: bigint },
): Promise<Pair> {
  const from = account ?? (await defaultAccount(client));
  const pair = await deployed(
    client,
    await client.deployContract({ ...uniswapV2PairArtifact, account: from, args: [tokenA, tokenB] }),
  );
  for (const [token, amount] of [
    [tokenA, amountA],
    [tokenB, amountB],
  ] as const) {
    await confirm(
      client,
      await client.writeContract({
        ...erc20At(token),
        functionName: "mint",
        args: [pair, amount],
        account: from,
      }),
    );
  }
  await confirm(
    client,
    await client.writeContract({ ...pairAt(pair), functionName: "mint", args: [from], account: from }),
  );
  const [token0, token1] = BigInt(tokenA) < BigInt(tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
  return { pair, token0, token1 };
}

/**
 * A pair of WETH and one of our Erc20s, seeded like createPair: the WETH side is wrapped from the account's ether
 * (WETH has no mint), the token side minted.
 */
export async function createWethPair(
  client: DevnetClient,
  {
    weth,
    token,
    amountWeth = 10n ** 20n,
    amountToken = 10n ** 24n,
    account,
  }: From & { weth: Address; token: Address; amountWeth?: bigint; amountToken?: bigint },
): Promise<Pair> {
  const from = account ?? (await defaultAccount(client));
  const pair = await deployed(
    client,
    await client.deployContract({ ...uniswapV2PairArtifact, account: from, args: [weth, token] }),
  );
  await confirm(
    client,
    await client.writeContract({
      ...wethAt(weth),
      functionName: "deposit",
      value: amountWeth,
      account: from,
    }),
  );
  await confirm(
    client,
    await client.writeContract({
      ...wethAt(weth),
      functionName: "transfer",
      args: [pair, amountWeth],
      account: from,
    }),
  );
  await confirm(
    client,
    await client.writeContract({
      ...erc20At(token),
      functionName: "mint",
      args: [pair, amountToken],
      account: from,
    }),
  );
  await confirm(
    client,
    await client.writeContract({ ...pairAt(pair), functionName: "mint", args: [from], account: from }),
  );
  const [token0, token1] = BigInt(weth) < BigInt(token) ? [weth, token] : [token, weth];
  return { pair, token0, token1 };
}

/** A Uniswap-V2-style router: swapExactTokensForTokens(pair, tokenIn, amountIn, amountOutMin, to, deadline). */
export async function deploySwapRouter(client: DevnetClient, { account }: From = {}): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({ ...swapRouterArtifact, account: from, args: [] });
  return deployed(client, hash);
}

/** An ERC-4626-style vault over `asset` (an open-mint Erc20) that accrues `rewardPerSecond` to its stakers. */
export async function deployStakingVault(
  client: DevnetClient,
  { asset, rewardPerSecond, account }: From & { asset: Address; rewardPerSecond: bigint },
): Promise<Address> {
  const from = account ?? (await defaultAccount(client));
  const hash = await client.deployContract({
    ...stakingVaultArtifact,
    account: from,
    args: [asset, rewardPerSecond],
  });
  return deployed(client, hash);
}

export function stakingVaultAt(address: Address) {
  return { address, abi: stakingVaultArtifact.abi } as const;
}

export function swapRouterAt(address: Address) {
  return { address, abi: swapRouterArtifact.abi } as const;
}
export function factoryAt(address: Address) {
  return { address, abi: factoryArtifact.abi } as const;
}
export function erc20At(address: Address) {
  return { address, abi: erc20Artifact.abi } as const;
}
export function erc721At(address: Address) {
  return { address, abi: erc721Artifact.abi } as const;
}
export function erc1155At(address: Address) {
  return { address, abi: erc1155Artifact.abi } as const;
}
export function wethAt(address: Address) {
  return { address, abi: weth9Artifact.abi } as const;
}
export function ethRouterAt(address: Address) {
  return { address, abi: ethRouterArtifact.abi } as const;
}
export function pairAt(address: Address) {
  return { address, abi: uniswapV2PairArtifact.abi } as const;
}
