import {
  approveErc20,
  batchTransferErc1155,
  createDevnetClient,
  createPair,
  createWethPair,
  type DevnetClient,
  deployBytes32Token,
  deployErc20,
  deployErc721,
  deployErc1155,
  deployEthRouter,
  deployFactory,
  deployWeth,
  depositWeth,
  factoryDeploy,
  mintErc20,
  mintErc721,
  mintErc1155,
  swap,
  transferErc20,
  transferErc721,
  transferErc1155,
  unwrapWethTo,
} from "@chainlog/devnet";
import type { Address, Hash } from "viem";

export const alice = "0x000000000000000000000000000000000000a11c" as Address;
export const bob = "0x0000000000000000000000000000000000000b0b" as Address;

export interface BuiltChain {
  client: DevnetClient;
  me: Address;
  head: number;
  contracts: {
    stable: Address;
    erc721: Address;
    erc1155: Address;
    weth: Address;
    tokenA: Address;
    tokenB: Address;
    bytes32: Address;
    factory: Address;
    /** tokenA/tokenB, WETH/stable, tokenA/WETH */
    pair: Address;
    wethStable: Address;
    tokenWeth: Address;
    /** Unwraps WETH and pays the ETH on: ETH from WETH to it, and from it to bob, inside one call. */
    router: Address;
  };
  created: { create: Address; create2: Address };
  txs: {
    erc20: Hash;
    erc721: Hash;
    single: Hash;
    batch: Hash;
    approve: Hash;
    deposit: Hash;
    /** The router unwrapping `amounts.unwrap` WETH of `me` and paying it to bob. */
    unwrap: Hash;
    factory: Hash;
    ethSwap: Hash;
    /** The last block's transaction: tokenA → WETH to bob, from `me` (a watched address). */
    swap: Hash;
  };
  amounts: { swapIn: bigint; swapOut: bigint; ethSwapIn: bigint; ethSwapOut: bigint; unwrap: bigint };
}

/**
 * Every kind of row issue 5 asks for, on a real anvil with automine (a block per transaction): ERC-20 (6 decimals,
 * the stablecoin), ERC-721, ERC-1155 single and batch, a bytes32-symbol token, WETH, three V2 pairs (one pricing
 * ETH in USD, one a token in ETH), an approval, a factory that deploys with CREATE and CREATE2, and swaps.
 */
export async function buildChain(rpcUrl: string): Promise<BuiltChain> {
  const client = createDevnetClient({ rpcUrl, chainId: 31337 });
  const [me] = (await client.getAddresses()) as [Address];
  const stable = await deployErc20(client, { name: "Test Dollar", symbol: "TUSD", decimals: 6 });
  const erc721 = await deployErc721(client);
  const erc1155 = await deployErc1155(client);
  const weth = await deployWeth(client);
  const tokenA = await deployErc20(client, { name: "Token A", symbol: "TKA" });
  const tokenB = await deployErc20(client, { name: "Token B", symbol: "TKB" });
  const bytes32 = await deployBytes32Token(client, { name: "Bytes Token", symbol: "B32" });
  const factory = await deployFactory(client);
  const { pair } = await createPair(client, { tokenA, tokenB });
  // 100 WETH : 250,000 TUSD (ETH at $2,500); 10 WETH : 100,000 TKA (TKA at 0.0001 ETH).
  const { pair: wethStable } = await createWethPair(client, {
    weth,
    token: stable,
    amountWeth: 100n * 10n ** 18n,
    amountToken: 250_000n * 10n ** 6n,
  });
  const { pair: tokenWeth } = await createWethPair(client, {
    weth,
    token: tokenA,
    amountWeth: 10n * 10n ** 18n,
    amountToken: 100_000n * 10n ** 18n,
  });

  await mintErc20(client, { token: stable, to: me, amount: 1_000_000n * 10n ** 6n });
  const erc20 = (await transferErc20(client, { token: stable, to: alice, amount: 123_456n })).transactionHash;
  await mintErc721(client, { token: erc721, to: me, tokenId: 42n });
  const erc721Tx = (await transferErc721(client, { token: erc721, from: me, to: alice, tokenId: 42n }))
    .transactionHash;
  await mintErc1155(client, { token: erc1155, to: me, ids: [1n, 2n], values: [10n, 20n] });
  const single = (await transferErc1155(client, { token: erc1155, from: me, to: alice, id: 1n, value: 3n }))
    .transactionHash;
  const batch = (
    await batchTransferErc1155(client, {
      token: erc1155,
      from: me,
      to: alice,
      ids: [1n, 2n],
      values: [4n, 5n],
    })
  ).transactionHash;
  const approve = (await approveErc20(client, { token: stable, spender: bob, amount: 777n })).transactionHash;
  await mintErc20(client, { token: bytes32, to: alice, amount: 5n });
  const deposit = (await depositWeth(client, { weth, amount: 10n ** 18n })).transactionHash;
  const router = await deployEthRouter(client, { weth });
  const unwrapAmount = 25n * 10n ** 16n;
  const unwrap = (await unwrapWethTo(client, { router, weth, amount: unwrapAmount, to: bob }))
    .transactionHash;
  const deployedChildren = await factoryDeploy(client, { factory, salt: `0x${"11".repeat(32)}` });
  // ETH priced in USD: sell 0.5 WETH into the WETH/TUSD pair.
  const ethSwapIn = 5n * 10n ** 17n;
  const eth = await swap(client, { pair: wethStable, tokenIn: weth, amountIn: ethSwapIn, to: alice });
  await mintErc20(client, { token: tokenA, to: me, amount: 10n ** 21n });
  const swapIn = 10n ** 20n;
  const last = await swap(client, { pair: tokenWeth, tokenIn: tokenA, amountIn: swapIn, to: bob });
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  if (Number(last.receipt.blockNumber) !== head) throw new Error("the swap is not the last block");
  return {
    client,
    me,
    head,
    contracts: {
      stable,
      erc721,
      erc1155,
      weth,
      tokenA,
      tokenB,
      bytes32,
      factory,
      pair,
      wethStable,
      tokenWeth,
      router,
    },
    created: { create: deployedChildren.created, create2: deployedChildren.created2 },
    txs: {
      erc20,
      erc721: erc721Tx,
      single,
      batch,
      approve,
      deposit,
      unwrap,
      factory: deployedChildren.receipt.transactionHash,
      ethSwap: eth.receipt.transactionHash,
      swap: last.receipt.transactionHash,
    },
    amounts: { swapIn, swapOut: last.amountOut, ethSwapIn, ethSwapOut: eth.amountOut, unwrap: unwrapAmount },
  };
}
