import type { Address } from "viem";
import type { DevnetClient } from "./client.ts";
import { createPair, deployErc20, deployErc721, deployStakingVault, deploySwapRouter } from "./deploy.ts";

/** The contracts of a wallet market (see deployWalletMarket). */
export interface WalletMarket {
  /** FUSD, 6 decimals: what the faucet hands out. */
  token: Address;
  /** GLD, 18 decimals. */
  gold: Address;
  /** The FUSD/GLD pool, seeded at 1 GLD = 2,000 FUSD. */
  pair: Address;
  router: Address;
  /** An ERC-721 collection the faucet can mint from. */
  nft: Address;
  /** A staking vault over `stake` paying `rewardPerSecond` to its stakers. */
  vault: Address;
}

/**
 * What the wallet is tested against, by the API's routes and in the browser: a faucet token, a second token with
 * a pool and a swap router between them, an NFT collection and a staking vault, deployed in this order.
 */
export async function deployWalletMarket(
  client: DevnetClient,
  { stake, rewardPerSecond }: { stake: "token" | "gold"; rewardPerSecond: bigint },
): Promise<WalletMarket> {
  const token = await deployErc20(client, { name: "Faucet Dollar", symbol: "FUSD", decimals: 6 });
  const gold = await deployErc20(client, { name: "Gold", symbol: "GLD", decimals: 18 });
  const { pair } = await createPair(client, {
    tokenA: token,
    tokenB: gold,
    amountA: 2_000_000n * 10n ** 6n,
    amountB: 10n ** 21n,
  });
  const router = await deploySwapRouter(client);
  const nft = await deployErc721(client, { name: "Faucet Art", symbol: "FART" });
  const vault = await deployStakingVault(client, {
    asset: stake === "token" ? token : gold,
    rewardPerSecond,
  });
  return { token, gold, pair, router, nft, vault };
}
