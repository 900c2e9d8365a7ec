import type { Watchlist, WatchlistQuota } from "@chainlog/ports";
import { WatchlistList, WatchlistView } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { InvalidParameterError, NotFoundError } from "../http/errors.ts";
import { ownedRoutes } from "../http/owned-route.ts";
import { AddressParam, IdParam, NameField } from "../http/params.ts";
import { routeGroup } from "../http/route-group.ts";
import type { AccountRouteDeps } from "./account-deps.ts";

const Addresses = z
  .array(AddressParam, { error: "must be a list of 0x-hex addresses" })
  .max(1000, { error: "must hold at most 1000 addresses" })
  .transform((a) => [...new Set(a)]);

const view = (w: Watchlist) => ({
  id: w.id,
  name: w.name,
  addresses: w.addresses,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});
const tags = ["watchlists"];

/** Every call passes the caller's user id to the meta store, so another user's watchlist is simply not found. */
export function registerWatchlistRoutes(app: FastifyInstance, { meta, settings }: AccountRouteDeps): void {
  const account = routeGroup(app, { tags, auth: { user: "account" } });
  const quota: WatchlistQuota = {
    maxLists: settings.quotas.watchlists,
    maxAddresses: settings.quotas.watchlistAddresses,
  };
  account.get("/v1/watchlists", {
    summary: "The caller's watchlists",
    responses: { 200: WatchlistList },
    handler: async ({ identity }) => {
      const { userId } = identity;
      return { items: (await meta.listWatchlists(userId)).map(view) };
    },
  });

  account.post("/v1/watchlists", {
    summary: "Create a watchlist",
    body: z.strictObject({ name: NameField, addresses: Addresses }),
    responses: { 201: WatchlistView },
    handler: async ({ body, identity, reply }) => {
      const { userId } = identity;
      reply.code(201);
      return view(await meta.createWatchlist(userId, body, quota));
    },
  });

  const watchlist = ownedRoutes(app, {
    url: "/v1/watchlists/:id",
    tags,
    scope: "account",
    missing: "no such watchlist",
  });
  watchlist.get({
    summary: "One of the caller's watchlists",
    response: WatchlistView,
    read: (userId, id) => meta.getWatchlist(userId, id),
    view,
  });

  account.patch("/v1/watchlists/:id", {
    summary: "Rename a watchlist or replace its addresses",
    params: z.object({ id: IdParam }),
    // minProperties says in the document what the handler checks: a PATCH must change something.
    body: z
      .strictObject({ name: NameField.optional(), addresses: Addresses.optional() })
      .meta({ minProperties: 1 }),
    responses: { 200: WatchlistView },
    handler: async ({ params, body, identity }) => {
      const { userId } = identity;
      if (body.name === undefined && body.addresses === undefined)
        throw new InvalidParameterError("body", "must change name or addresses");
      const w = await meta.updateWatchlist(
        userId,
        params.id,
        {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.addresses === undefined ? {} : { addresses: body.addresses }),
        },
        quota,
      );
      if (!w) throw new NotFoundError("no such watchlist");
      return view(w);
    },
  });

  watchlist.delete({
    summary: "Delete a watchlist",
    remove: (userId, id) => meta.deleteWatchlist(userId, id),
  });
}
