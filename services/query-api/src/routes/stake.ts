import type { ReadModel } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import {
  type StakePosition,
  StakePositionsResponse,
  type VaultEvent,
  VaultEventPage,
} from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError } from "../http/errors.ts";
import { AddressParam, PageQuery } from "../http/params.ts";
import { routeGroup } from "../http/route-group.ts";
import type { ApiSettings } from "../settings.ts";
import { tokenMap } from "../views/token-map.ts";
import { NoNodeError, nodeResult } from "../wallet/node-access.ts";

/** ERC-4626's asset() and convertToAssets(uint256). */
const ASSET = "0x38d52e0f";
const CONVERT_TO_ASSETS = "0x07a2d13a";
const word = (n: bigint) => n.toString(16).padStart(64, "0");
const toHex = (n: number) => `0x${n.toString(16)}`;
/** A staker with more events than this is summed from the newest ones only, and told so by a 422. */
const MAX_EVENTS = 10_000;
/** Values kept per (vault, shares, block): a portfolio polled every few seconds asks the node once per block. */
const VALUE_CACHE_SIZE = 5_000;

const tags = ["wallet"];

/**
 * Staking: the ERC-4626 vaults the wallet page offers (API_STAKE_VAULTS), and any address's positions in any vault
 * summed from the indexed Deposit/Withdraw events, valued by the vault itself at the node's head.
 */
export function registerStakeRoutes(
  app: FastifyInstance,
  deps: { settings: ApiSettings; store: ReadModel; rpc?: RpcPool | null },
): void {
  const { settings, store, rpc } = deps;
  const publicRead = routeGroup(app, { tags, auth: { public: "read" } });
  const assets = new Map<string, Promise<string>>();
  /** A vault's asset never changes: asked once per vault. */
  const assetOf = (pool: RpcPool, vault: string) => {
    let asset = assets.get(vault);
    if (!asset) {
      asset = nodeResult<string>(pool, "eth_call", [{ to: vault, data: ASSET }, "latest"]).then((w) =>
        `0x${w.slice(-40)}`.toLowerCase(),
      );
      asset.catch(() => assets.delete(vault));
      assets.set(vault, asset);
    }
    return asset;
  };
  const values = new Map<string, Promise<bigint>>();
  const redeemValue = (pool: RpcPool, vault: string, shares: bigint, block: number) => {
    if (shares === 0n) return Promise.resolve(0n);
    const key = `${vault}:${shares}:${block}`;
    let value = values.get(key);
    if (!value) {
      value = nodeResult<string>(pool, "eth_call", [
        { to: vault, data: `${CONVERT_TO_ASSETS}${word(shares)}` },
        toHex(block),
      ]).then((w) => {
        if (!/^0x[0-9a-fA-F]{64}$/.test(w))
          throw new ApiError(502, "not_a_vault", `${vault} answers no ERC-4626 convertToAssets`);
        return BigInt(w);
      });
      value.catch(() => values.delete(key));
      if (values.size >= VALUE_CACHE_SIZE) values.delete(values.keys().next().value as string);
      values.set(key, value);
    }
    return value;
  };

  publicRead.get("/v1/stake/vaults", {
    summary: "The ERC-4626 staking vaults offered here, with their underlying asset",
    responses: { 200: z.object({ items: z.array(z.object({ vault: z.string(), asset: z.string() })) }) },
    errors: [502],
    handler: async () => {
      const items = [];
      for (const vault of settings.stakeVaults) {
        if (!rpc) throw new NoNodeError();
        items.push({ vault, asset: await assetOf(rpc, vault) });
      }
      return { items };
    },
  });

  publicRead.get("/v1/address/:address/stake/events", {
    summary:
      "ERC-4626 Deposit/Withdraw events (any vault) where the address owns the shares, sent or received, newest first",
    params: z.object({ address: AddressParam }),
    query: PageQuery,
    responses: { 200: VaultEventPage },
    handler: async ({ params, query }) => {
      const page = await store.getAddressVaultEvents(params.address, {
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
      return { ...page, tokens: await tokenMap(store, new Set(page.items.map((e) => e.vault))) };
    },
  });

  publicRead.get("/v1/address/:address/stake", {
    summary:
      "Staked positions of an address in every ERC-4626 vault, from the indexed events: shares, current value (the vault's convertToAssets at the node's head), deposited, withdrawn and rewards",
    params: z.object({ address: AddressParam }),
    responses: { 200: StakePositionsResponse },
    errors: [422, 502],
    handler: async ({ params }) => {
      const sums = sumPositions(params.address, await ownerEvents(store, params.address));
      if (sums.size === 0) return { address: params.address, blockNumber: null, items: [], tokens: {} };
      if (!rpc) throw new NoNodeError();
      const pool = rpc;
      const head = Number(BigInt(await nodeResult<string>(pool, "eth_blockNumber", [])));
      const items: StakePosition[] = await Promise.all(
        [...sums.values()].map(async (p) => {
          const value = await redeemValue(pool, p.vault, p.shares, head);
          return {
            vault: p.vault,
            asset: await assetOf(pool, p.vault),
            shares: p.shares.toString(),
            value: value.toString(),
            deposited: p.deposited.toString(),
            withdrawn: p.withdrawn.toString(),
            rewards: (value + p.withdrawn - p.deposited).toString(),
            events: p.events,
            lastBlockNumber: p.lastBlockNumber,
          };
        }),
      );
      items.sort(
        (a, b) => Number(b.shares !== "0") - Number(a.shares !== "0") || a.vault.localeCompare(b.vault),
      );
      const tokens = await tokenMap(store, new Set(items.flatMap((i) => [i.vault, i.asset])));
      return { address: params.address, blockNumber: head, items, tokens };
    },
  });
}

/** Every vault event of an address, read page by page; refused past MAX_EVENTS rather than summed wrong. */
async function ownerEvents(store: ReadModel, address: string): Promise<VaultEvent[]> {
  const out: VaultEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.getAddressVaultEvents(address, { limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
    if (out.length > MAX_EVENTS)
      throw new ApiError(
        422,
        "too_many_events",
        `this address has more than ${MAX_EVENTS} vault events: its positions are not summed per request`,
      );
  } while (cursor);
  return out;
}

interface PositionSum {
  vault: string;
  shares: bigint;
  deposited: bigint;
  withdrawn: bigint;
  events: number;
  lastBlockNumber: number;
}

/** Shares, assets in and assets out per vault, from the events where the address owns the shares. */
export function sumPositions(owner: string, events: readonly VaultEvent[]): Map<string, PositionSum> {
  const out = new Map<string, PositionSum>();
  for (const e of events) {
    if (e.owner !== owner) continue;
    let p = out.get(e.vault);
    if (!p) {
      p = { vault: e.vault, shares: 0n, deposited: 0n, withdrawn: 0n, events: 0, lastBlockNumber: 0 };
      out.set(e.vault, p);
    }
    if (e.kind === "deposit") {
      p.shares += BigInt(e.shares);
      p.deposited += BigInt(e.assets);
    } else {
      p.shares -= BigInt(e.shares);
      p.withdrawn += BigInt(e.assets);
    }
    p.events += 1;
    p.lastBlockNumber = Math.max(p.lastBlockNumber, e.blockNumber);
  }
  // shares that arrived by a plain transfer and were then redeemed would read negative: none are counted
  for (const p of out.values()) if (p.shares < 0n) p.shares = 0n;
  return out;
}
