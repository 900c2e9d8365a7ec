import {
  approveErc20,
  confirm,
  connectDevnet,
  type DevnetClient,
  deployErc20,
  deployEthRouter,
  deployWeth,
  depositWeth,
  mintErc20,
  pairAt,
  rpc,
  swap,
  transferErc20,
  uniswapV2PairArtifact,
  unwrapWethTo,
} from "@chainlog/devnet";
import type { Address } from "viem";

export interface Market {
  deployer: Address;
  weth: Address;
  usdc: Address;
  /** An 18-decimal token traded against WETH only: its USD price goes through ETH/USD. */
  token: Address;
  ethUsdPair: Address;
  tokenEthPair: Address;
  /** The trader wrapping 5 ETH, and approving the CLG/WETH pair for 1,234.5 CLG. */
  wrap: `0x${string}`;
  approval: `0x${string}`;
  /** Transactions of the trader's swaps, oldest first. */
  swaps: `0x${string}`[];
  /** A router that unwraps WETH and pays the ETH on; the trader's unwrap of 0.5 WETH through it, paid to the deployer. */
  router: Address;
  unwrap: `0x${string}`;
}

async function seededPair(
  client: DevnetClient,
  from: Address,
  [a, amountA]: [Address, bigint],
  [b, amountB]: [Address, bigint],
): Promise<Address> {
  const deployed = await confirm(
    client,
    await client.deployContract({ ...uniswapV2PairArtifact, account: from, args: [a, b] }),
  );
  const pair = deployed.contractAddress;
  if (!pair) throw new Error("the pair deployment created no contract");
  await transferErc20(client, { token: a, to: pair, amount: amountA, account: from });
  await transferErc20(client, { token: b, to: pair, amount: amountB, account: from });
  await confirm(
    client,
    await client.writeContract({ ...pairAt(pair), functionName: "mint", args: [from], account: from }),
  );
  return pair;
}

/**
 * A small DEX on the devnet: WETH/USDC at 3,000 USD per ETH and CLG/WETH at 0.0001 ETH per CLG, then a few swaps
 * by `trader` in both pools (so prices move and the trader holds ETH, WETH, USDC and CLG). Mines a block per
 * transaction (automine on for the set-up, back off after), so the caller's manual mining is unaffected.
 */
export async function createMarket(rpcUrl: string, deployer: Address, trader: Address): Promise<Market> {
  await rpc(rpcUrl, "evm_setAutomine", [true]);
  try {
    const client = await connectDevnet(rpcUrl);
    const e18 = 10n ** 18n;
    const weth = await deployWeth(client, { account: deployer });
    const usdc = await deployErc20(client, {
      name: "USD Coin",
      symbol: "USDC",
      decimals: 6,
      account: deployer,
    });
    const token = await deployErc20(client, {
      name: "Chainlog Gold",
      symbol: "CLG",
      decimals: 18,
      account: deployer,
    });
    await depositWeth(client, { weth, amount: 300n * e18, account: deployer });
    await mintErc20(client, { token: usdc, to: deployer, amount: 300_000n * 10n ** 6n, account: deployer });
    await mintErc20(client, { token, to: deployer, amount: 1_000_000n * e18, account: deployer });
    const ethUsdPair = await seededPair(client, deployer, [weth, 100n * e18], [usdc, 300_000n * 10n ** 6n]);
    const tokenEthPair = await seededPair(client, deployer, [token, 1_000_000n * e18], [weth, 100n * e18]);

    const wrap = (await depositWeth(client, { weth, amount: 5n * e18, account: trader })).transactionHash;
    const approval = (
      await approveErc20(client, {
        token,
        spender: tokenEthPair,
        amount: 12_345n * 10n ** 17n,
        account: trader,
      })
    ).transactionHash;
    await mintErc20(client, { token: usdc, to: trader, amount: 10_000n * 10n ** 6n, account: trader });
    const swaps: `0x${string}`[] = [];
    const trade = async (pair: Address, tokenIn: Address, amountIn: bigint) => {
      const { receipt } = await swap(client, { pair, tokenIn, amountIn, account: trader });
      swaps.push(receipt.transactionHash);
    };
    // ETH/USD first, so every later CLG/ETH price has an ETH/USD price before it.
    await trade(ethUsdPair, usdc, 3_000n * 10n ** 6n);
    await trade(tokenEthPair, weth, 1n * e18);
    await trade(tokenEthPair, weth, e18 / 2n);
    await trade(ethUsdPair, weth, e18 / 4n);
    await trade(tokenEthPair, token, 2_000n * e18);
    await trade(tokenEthPair, weth, e18 / 4n);
    // ETH from WETH to the router and on to the deployer, inside one call: only traces show it
    const router = await deployEthRouter(client, { weth, account: deployer });
    const unwrap = (
      await unwrapWethTo(client, { router, weth, amount: e18 / 2n, to: deployer, account: trader })
    ).transactionHash;
    return { deployer, weth, usdc, token, ethUsdPair, tokenEthPair, wrap, approval, swaps, router, unwrap };
  } finally {
    await rpc(rpcUrl, "evm_setAutomine", [false]);
  }
}
