import type { RpcPool } from "@chainlog/rpc";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { readRoute } from "../http/read-route.ts";
import type { ApiSettings } from "../settings.ts";
import { NoNodeError, nodeResult } from "../wallet/node-access.ts";

/** ERC-4626's asset(). */
const ASSET = "0x38d52e0f";

/** The staking vaults the wallet page offers (API_STAKE_VAULTS), each with its underlying asset. */
export function registerStakeRoutes(
  app: FastifyInstance,
  deps: { settings: ApiSettings; rpc?: RpcPool | null },
): void {
  const { settings, rpc } = deps;
  const assets = new Map<string, Promise<string>>();
  readRoute(app, {
    url: "/v1/stake/vaults",
    summary: "The ERC-4626 staking vaults offered here, with their underlying asset",
    tags: ["wallet"],
    response: z.object({ items: z.array(z.object({ vault: z.string(), asset: z.string() })) }),
    errors: [502],
    read: async () => {
      const items = [];
      for (const vault of settings.stakeVaults) {
        if (!rpc) throw new NoNodeError();
        let asset = assets.get(vault);
        if (!asset) {
          asset = nodeResult<string>(rpc, "eth_call", [{ to: vault, data: ASSET }, "latest"]).then((word) =>
            `0x${word.slice(-40)}`.toLowerCase(),
          );
          asset.catch(() => assets.delete(vault));
          assets.set(vault, asset);
        }
        items.push({ vault, asset: await asset });
      }
      return { items };
    },
  });
}
