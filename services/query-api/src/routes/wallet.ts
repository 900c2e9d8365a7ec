import { DuplicateError, type Wallet } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, NotFoundError, RateLimitedError } from "../http/errors.ts";
import { AddressParam, EmailField } from "../http/params.ts";
import { createTokenBuckets } from "../http/rate-limit.ts";
import { routeGroup } from "../http/route-group.ts";
import { V3Keystore } from "../wallet/keystore.ts";
import type { AccountRouteDeps } from "./account-deps.ts";

const WalletView = z.object({
  address: z.string(),
  keystore: V3Keystore,
  createdAt: z.number(),
  updatedAt: z.number(),
});
const view = (w: Wallet) => ({
  address: w.address,
  keystore: JSON.parse(w.keystore) as V3Keystore,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});
const tags = ["wallet"];

/**
 * The caller's wallet: only the encrypted keystore is kept, and only its owner reads it back (every call passes
 * the caller's user id to the meta store). The key is made, encrypted and decrypted in the browser.
 */
export function registerWalletRoutes(app: FastifyInstance, { meta, settings }: AccountRouteDeps): void {
  const account = routeGroup(app, { tags, auth: { user: "account" } });
  const publicRead = routeGroup(app, { tags, auth: { public: "read" } });
  const lookups = createTokenBuckets(settings.walletLookupRateLimit);
  account.get("/v1/wallet", {
    summary: "The caller's wallet: its address and encrypted v3 keystore (404 before one is set)",
    responses: { 200: WalletView },
    errors: [404],
    handler: async ({ identity }) => {
      const wallet = await meta.getWallet(identity.userId);
      if (!wallet) throw new NotFoundError("no wallet yet: create one on the wallet page");
      return view(wallet);
    },
  });

  account.put("/v1/wallet", {
    summary:
      "Set the caller's wallet from a v3 keystore encrypted in the browser; replacing an existing one needs `replace` set to its address (else 409)",
    body: z.strictObject({
      keystore: V3Keystore,
      replace: AddressParam.optional().describe(
        "the address of the wallet being replaced: a keystore lost by accident is a key lost for good",
      ),
    }),
    responses: { 200: WalletView },
    errors: [409],
    handler: async ({ body, identity }) => {
      const address = `0x${body.keystore.address.toLowerCase()}`;
      const current = await meta.getWallet(identity.userId);
      if (current && current.address !== body.replace)
        throw new ApiError(
          409,
          "wallet_exists",
          `this account already has the wallet ${current.address}: set replace to that address to overwrite its keystore`,
          "body.replace",
        );
      try {
        return view(
          await meta.putWallet(identity.userId, {
            address,
            keystore: JSON.stringify({ ...body.keystore, address: address.slice(2) }),
          }),
        );
      } catch (error) {
        if (error instanceof DuplicateError)
          throw new ApiError(
            409,
            "conflict",
            "this address is another user's wallet",
            "body.keystore.address",
          );
        throw error;
      }
    },
  });

  publicRead.get("/v1/wallet/finality", {
    summary:
      "How many blocks on top of a transaction make it final in the wallet's activity (pending → included → final)",
    responses: { 200: z.object({ confirmations: z.number().int() }) },
    handler: async () => ({ confirmations: settings.walletConfirmations }),
  });

  account.get("/v1/wallet/lookup", {
    summary:
      "The wallet address of a Chainlog user by e-mail, to send to them: signed-in users only, a few per hour each, and the same answer shape (address null) for an unknown e-mail",
    query: z.strictObject({ email: EmailField }),
    responses: { 200: z.object({ email: z.string(), address: z.string().nullable() }) },
    errors: [429],
    handler: async ({ query, identity }) => {
      // Per user, before the store is asked: known and unknown e-mails cost the same, so neither can be probed faster.
      const wait = lookups.take(identity.userId);
      if (wait > 0)
        throw new RateLimitedError(
          wait,
          settings.walletLookupRateLimit.burst,
          "too many wallet lookups for this user",
        );
      return { email: query.email, address: await meta.getWalletAddressByEmail(query.email) };
    },
  });
}
