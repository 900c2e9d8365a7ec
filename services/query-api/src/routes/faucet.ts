import type { MetaStore } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, NotFoundError } from "../http/errors.ts";
import { route } from "../http/route.ts";
import type { ApiSettings } from "../settings.ts";
import { chainIdOf, NoNodeError, nodeResult } from "../wallet/node-access.ts";

const Grant = z.object({
  asset: z.string().describe("'ETH' or the token's address"),
  amount: z.string().describe("in the asset's smallest unit (1 for an ERC-721)"),
  tokenId: z.string().optional().describe("the ERC-721 token minted to the wallet"),
  transactionHash: z.string(),
});
const FaucetResponse = z.object({ address: z.string(), chainId: z.number(), grants: z.array(Grant) });

const word = (hex: string) => hex.replace(/^0x/, "").toLowerCase().padStart(64, "0");
/** mint(address,uint256) of the devnet's Erc20 (an amount) and Erc721 (a token id), both open, and decimals(). */
const mintCall = (to: string, amount: bigint) => `0x40c10f19${word(to)}${word(amount.toString(16))}`;
const DECIMALS = "0x313ce567";
const toHex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * Funds the caller's wallet on a devnet: ether, the workload's test tokens and one of its NFTs, sent by the node's own unlocked
 * account (anvil's), once per wallet and per user. Refused on any chain that is not a configured devnet.
 */
export function registerFaucetRoutes(
  app: FastifyInstance,
  deps: { meta: MetaStore; settings: ApiSettings; rpc?: RpcPool | null; logger: Logger },
): void {
  const { meta, settings, rpc } = deps;
  const { faucet } = settings;
  const chainId = rpc ? chainIdOf(rpc) : null;
  const log = deps.logger.child({ component: "faucet" });

  route(app, {
    method: "POST",
    url: "/v1/wallet/faucet",
    summary: `Fund the caller's wallet with test ETH and tokens, once (devnet chain ids only: ${faucet.chainIds.join(", ") || "none"})`,
    tags: ["wallet"],
    auth: { user: "account" },
    responses: { 200: FaucetResponse },
    errors: [404, 409],
    handler: async ({ identity }) => {
      if (!rpc || !chainId) throw new NoNodeError();
      const chain = await chainId();
      if (!faucet.chainIds.includes(chain))
        throw new ApiError(
          403,
          "not_a_devnet",
          `the faucet only funds on a devnet (chain id ${faucet.chainIds.join(", ") || "none configured"}); this node serves chain ${chain}`,
        );
      const wallet = await meta.getWallet(identity.userId);
      if (!wallet) throw new NotFoundError("no wallet yet: create one on the wallet page first");
      if (!(await meta.claimFaucet(identity.userId, wallet.address)))
        throw new ApiError(409, "already_funded", "the faucet funds each wallet and each user once");
      const grants: z.output<typeof Grant>[] = [];
      try {
        const accounts = await nodeResult<string[]>(rpc, "eth_accounts", []);
        // The last unlocked account: the workload deploys and funds from the first ones.
        const from = accounts.at(-1);
        if (!from) throw new ApiError(503, "faucet_empty", "the node has no unlocked account to fund from");
        const send = (tx: Record<string, string>) =>
          nodeResult<string>(rpc, "eth_sendTransaction", [{ from, ...tx }]);
        if (faucet.eth > 0) {
          const amount = BigInt(Math.round(faucet.eth * 1e6)) * 10n ** 12n;
          const hash = await send({ to: wallet.address, value: toHex(amount) });
          grants.push({ asset: "ETH", amount: amount.toString(), transactionHash: hash });
        }
        for (const token of faucet.tokens) {
          const raw = await nodeResult<string>(rpc, "eth_call", [{ to: token, data: DECIMALS }, "latest"]);
          if (!/^0x[0-9a-fA-F]{1,64}$/.test(raw))
            throw new ApiError(502, "faucet_token", `the faucet token ${token} answers no decimals()`);
          const decimals = Number(BigInt(raw));
          const amount = BigInt(faucet.tokenUnits) * 10n ** BigInt(decimals);
          const hash = await send({ to: token, data: mintCall(wallet.address, amount) });
          grants.push({ asset: token, amount: amount.toString(), transactionHash: hash });
        }
        // The wallet's address as the token id: each wallet is funded once, so no other grant mints the same id.
        const tokenId = BigInt(wallet.address);
        for (const nft of faucet.nfts) {
          const hash = await send({ to: nft, data: mintCall(wallet.address, tokenId) });
          grants.push({ asset: nft, amount: "1", tokenId: tokenId.toString(), transactionHash: hash });
        }
      } catch (error) {
        // Nothing sent yet: the grant is given back, so the user can try again.
        if (grants.length === 0) await meta.releaseFaucetClaim(identity.userId, wallet.address);
        log.warn({ err: error, sent: grants.length }, "faucet funding failed");
        throw error;
      }
      log.info({ address: wallet.address, grants: grants.length }, "faucet funded a wallet");
      return { address: wallet.address, chainId: chain, grants };
    },
  });
}
