import type { MetaStore, ReadModel } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import type { FastifyInstance } from "fastify";
import type { ApiSettings } from "../settings.ts";
import { registerFaucetRoutes } from "./faucet.ts";
import { registerRelayRoutes } from "./relay.ts";
import { registerStakeRoutes } from "./stake.ts";
import { registerSwapQuoteRoutes } from "./swap-quote.ts";
import { registerWalletRoutes } from "./wallet.ts";

export interface WalletPlatformDeps {
  meta: MetaStore;
  /** The index: staked positions and their events are read from it. */
  store: ReadModel;
  settings: ApiSettings;
  logger: Logger;
  /** Without it the faucet and the relay answer 503 (no node configured). */
  rpc?: RpcPool | null;
}

/** The user's wallet and what it acts through: keystore, faucet, node relay, swap quotes, staking vaults and positions. */
export function registerWalletPlatformRoutes(app: FastifyInstance, deps: WalletPlatformDeps): void {
  registerWalletRoutes(app, deps);
  registerFaucetRoutes(app, deps);
  registerRelayRoutes(app, deps);
  registerSwapQuoteRoutes(app, deps);
  registerStakeRoutes(app, deps);
}
