import type { Store } from "@chainlog/ports";
import {
  AddressResponse,
  Block,
  EnrichmentStatus,
  InternalTransactionPage,
  SearchResponse,
  TokenTransferPage,
  TransactionDetailResponse,
  TransactionPage,
} from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NotFoundError } from "../http/errors.ts";
import { AddressParam, BlockIdParam, HashParam, PageQuery } from "../http/params.ts";
import { route } from "../http/route.ts";
import { referencedTokens, tokenMap } from "../views/token-map.ts";

const tags = ["chain"];

async function findBlock(store: Store, id: { number: number } | { hash: string }) {
  const block = "hash" in id ? await store.getBlockByHash(id.hash) : await store.getBlockByNumber(id.number);
  if (!block)
    throw new NotFoundError("hash" in id ? `no block with hash ${id.hash}` : `no block ${id.number}`);
  return block;
}

/** Whether the enrichment stage has finished the block with this hash. */
async function enrichmentOf(store: Store, blockHash: string): Promise<EnrichmentStatus> {
  const mark = (await store.getEnrichment([blockHash])).get(blockHash.toLowerCase());
  return mark ? { status: "enriched", mark } : { status: "pending" };
}

/** Blocks, transactions and addresses: public reads (an API key used here needs the `read` scope). */
export function registerChainRoutes(app: FastifyInstance, store: Store): void {
  route(app, {
    method: "GET",
    url: "/v1/blocks/latest",
    summary: "The newest stored block",
    tags,
    auth: { public: "read" },
    responses: { 200: Block },
    handler: async () => {
      const block = await store.getLatestBlock();
      if (!block) throw new NotFoundError("no block stored yet");
      return block;
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/blocks/:id",
    summary: "A block by decimal number or by 32-byte hash",
    tags,
    auth: { public: "read" },
    params: z.object({ id: BlockIdParam }),
    responses: { 200: Block },
    handler: async ({ params }) => findBlock(store, params.id),
  });

  route(app, {
    method: "GET",
    url: "/v1/blocks/:id/enrichment",
    summary:
      "Whether the enrichment stage has finished a block (pending, or enriched with how each part went: traces, tokens, pools, balances)",
    tags,
    auth: { public: "read" },
    params: z.object({ id: BlockIdParam }),
    responses: { 200: EnrichmentStatus },
    handler: async ({ params }) => {
      return enrichmentOf(store, (await findBlock(store, params.id)).hash);
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/blocks/:id/txs",
    summary: "Transactions of a block in index order (cursor pagination)",
    tags,
    auth: { public: "read" },
    params: z.object({ id: BlockIdParam }),
    query: PageQuery,
    responses: { 200: TransactionPage },
    handler: async ({ params, query }) => {
      const block = await findBlock(store, params.id);
      return store.getBlockTransactions(block.hash, { limit: query.limit, cursor: query.cursor ?? null });
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/tx/:hash",
    summary:
      "A transaction with its receipt, logs, decoded transfers, swaps, approvals, WETH events, created contracts, internal transactions and the tokens they reference; `traces` says whether its block's call traces are in (pending, off, failed), `enrichment` how each enrichment part of its block went",
    tags,
    auth: { public: "read" },
    params: z.object({ hash: HashParam }),
    responses: { 200: TransactionDetailResponse },
    handler: async ({ params }) => {
      const detail = await store.getTransaction(params.hash);
      if (!detail) throw new NotFoundError(`no transaction with hash ${params.hash}`);
      const [tokens, enrichment] = await Promise.all([
        tokenMap(store, referencedTokens(detail)),
        enrichmentOf(store, detail.transaction.blockHash),
      ]);
      const traces = enrichment.status === "pending" ? "pending" : enrichment.mark.traces;
      return { ...detail, traces, tokens, enrichment };
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/address/:address",
    summary: "What is known about an address: the contract creation that deployed it, its token metadata",
    tags,
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    responses: { 200: AddressResponse },
    handler: async ({ params }) => {
      const [contractCreation, token] = await Promise.all([
        store.getContractCreation(params.address),
        store.getToken(params.address),
      ]);
      return { address: params.address, contractCreation, token };
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/address/:address/txs",
    summary: "Transactions from or to an address, newest first (cursor pagination)",
    tags,
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    query: PageQuery,
    responses: { 200: TransactionPage },
    handler: async ({ params, query }) =>
      store.getAddressTransactions(params.address, { limit: query.limit, cursor: query.cursor ?? null }),
  });

  route(app, {
    method: "GET",
    url: "/v1/address/:address/token-transfers",
    summary: "ERC-20/721/1155 transfers from or to an address, newest first (cursor pagination)",
    tags,
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    query: PageQuery,
    responses: { 200: TokenTransferPage },
    handler: async ({ params, query }) =>
      store.getAddressTokenTransfers(params.address, { limit: query.limit, cursor: query.cursor ?? null }),
  });

  route(app, {
    method: "GET",
    url: "/v1/address/:address/internal-transactions",
    summary:
      "Internal transactions (calls made inside transactions, from the node's call traces) from or to an address, newest first (cursor pagination); empty for blocks not traced",
    tags,
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    query: PageQuery,
    responses: { 200: InternalTransactionPage },
    handler: async ({ params, query }) =>
      store.getAddressInternalTransactions(params.address, {
        limit: query.limit,
        cursor: query.cursor ?? null,
      }),
  });

  route(app, {
    method: "GET",
    url: "/v1/search",
    summary:
      "Recognises a block number, a block or transaction hash, an address, or a token symbol (case-insensitive, at most 20 tokens)",
    tags,
    auth: { public: "read" },
    query: z.object({
      q: z
        .string({ error: "must be a block number, a hash, an address or a token symbol" })
        .trim()
        .min(1, { error: "must be a block number, a hash, an address or a token symbol" })
        .max(200, { error: "must be at most 200 characters" }),
    }),
    responses: { 200: SearchResponse },
    errors: [404],
    handler: async ({ query }) => {
      const q = query.q;
      if (/^(0|[1-9][0-9]{0,15})$/.test(q) && Number.isSafeInteger(Number(q))) {
        const block = await store.getBlockByNumber(Number(q));
        if (block) return { kind: "block", block };
      } else if (/^0x[0-9a-fA-F]{64}$/.test(q)) {
        const hash = q.toLowerCase();
        const detail = await store.getTransaction(hash);
        if (detail) return { kind: "transaction", transaction: detail.transaction };
        const block = await store.getBlockByHash(hash);
        if (block) return { kind: "block", block };
      } else if (/^0x[0-9a-fA-F]{40}$/.test(q)) {
        return { kind: "address", address: q.toLowerCase() };
      }
      // Anything else may be a symbol; a numeric one ("1337") is tried after the block of that number.
      const tokens = await store.findTokensBySymbol(q, 20);
      if (tokens.length) return { kind: "token", tokens };
      throw new NotFoundError("nothing matches the query");
    },
  });
}
