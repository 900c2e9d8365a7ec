import type { RpcPool } from "@chainlog/rpc";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { RateLimitedError } from "../http/errors.ts";
import { createTokenBuckets } from "../http/rate-limit.ts";
import { route } from "../http/route.ts";
import type { ApiSettings } from "../settings.ts";
import { callNode, NoNodeError } from "../wallet/node-access.ts";

/** What a wallet needs to sign and send, and nothing else: no node admin, debug, filters or subscriptions. */
export const RELAY_METHODS = new Set([
  "eth_chainId",
  "eth_blockNumber",
  "eth_getBalance",
  "eth_getTransactionCount",
  "eth_feeHistory",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_estimateGas",
  "eth_call",
  "eth_sendRawTransaction",
  "eth_getTransactionReceipt",
  // viem's sendTransaction reads the latest block's base fee; a page shows a pending transaction and checks code.
  "eth_getTransactionByHash",
  "eth_getBlockByNumber",
  "eth_getCode",
]);

const Id = z.union([z.string().max(100), z.number().int(), z.null()]);
const RelayRequest = z.strictObject({
  jsonrpc: z.literal("2.0"),
  id: Id.optional(),
  method: z.string().max(64),
  params: z.array(z.unknown()).max(4).optional(),
});
const RelayResponse = z.object({
  jsonrpc: z.literal("2.0"),
  id: Id,
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});

/** JSON-RPC 2.0 "method not found": what a node answers for a method it does not serve. */
export const METHOD_NOT_ALLOWED = -32601;

/**
 * A JSON-RPC endpoint for the signed-in user's wallet (an EIP-1193 transport in the page): the allow-listed
 * methods go to the RPC pool, anything else is answered with a JSON-RPC error and never reaches a node.
 * Each user has their own rate limit, on top of the per-client one every route has.
 */
export function registerRelayRoutes(
  app: FastifyInstance,
  deps: { settings: ApiSettings; rpc?: RpcPool | null },
): void {
  const { settings, rpc } = deps;
  const buckets = createTokenBuckets(settings.relayRateLimit);
  route(app, {
    method: "POST",
    url: "/v1/rpc",
    summary: `JSON-RPC relay for the caller's wallet; allowed methods: ${[...RELAY_METHODS].join(", ")}`,
    tags: ["wallet"],
    auth: { user: "account" },
    bodyLimit: settings.relayBodyLimit,
    body: RelayRequest,
    responses: { 200: RelayResponse },
    handler: async ({ body, identity }) => {
      const wait = buckets.take(identity.userId);
      if (wait > 0)
        throw new RateLimitedError(wait, settings.relayRateLimit.burst, "too many node calls for this user");
      const id = body.id ?? null;
      if (!RELAY_METHODS.has(body.method))
        return {
          jsonrpc: "2.0",
          id,
          error: {
            code: METHOD_NOT_ALLOWED,
            message: `method ${body.method} is not available through the relay`,
          },
        };
      if (!rpc) throw new NoNodeError();
      const answer = await callNode(rpc, body.method, body.params ?? []);
      return { jsonrpc: "2.0", id, ...answer };
    },
  });
}
