import { DuplicateError, type MetaStore, type Wallet } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, NotFoundError } from "../http/errors.ts";
import { EmailField } from "../http/params.ts";
import { route } from "../http/route.ts";
import { V3Keystore } from "../wallet/keystore.ts";

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
export function registerWalletRoutes(app: FastifyInstance, deps: { meta: MetaStore }): void {
  const { meta } = deps;
  route(app, {
    method: "GET",
    url: "/v1/wallet",
    summary: "The caller's wallet: its address and encrypted v3 keystore (404 before one is set)",
    tags,
    auth: { user: "account" },
    responses: { 200: WalletView },
    errors: [404],
    handler: async ({ identity }) => {
      const wallet = await meta.getWallet(identity.userId);
      if (!wallet) throw new NotFoundError("no wallet yet: create one on the wallet page");
      return view(wallet);
    },
  });

  route(app, {
    method: "PUT",
    url: "/v1/wallet",
    summary:
      "Set the caller's wallet from a v3 keystore encrypted in the browser (a new key or a re-encrypted one replaces the old)",
    tags,
    auth: { user: "account" },
    body: z.strictObject({ keystore: V3Keystore }),
    responses: { 200: WalletView },
    errors: [409],
    handler: async ({ body, identity }) => {
      const address = `0x${body.keystore.address.toLowerCase()}`;
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

  route(app, {
    method: "GET",
    url: "/v1/wallet/lookup",
    summary: "The wallet address of a Chainlog user by e-mail, to send to them (signed-in users only)",
    tags,
    auth: { user: "account" },
    query: z.strictObject({ email: EmailField }),
    responses: { 200: z.object({ email: z.string(), address: z.string() }) },
    errors: [404],
    handler: async ({ query }) => {
      const address = await meta.getWalletAddressByEmail(query.email);
      if (!address) throw new NotFoundError("no Chainlog user with a wallet has this e-mail");
      return { email: query.email, address };
    },
  });
}
