import type { ReadModel, TransactionDetailJson } from "@chainlog/ports";
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
import { AddressParam, BlockIdParam, HashParam } from "../http/params.ts";
import { pageRoute, readRoute } from "../http/read-route.ts";
import { route } from "../http/route.ts";
import { referencedTokens, tokenMap } from "../views/token-map.ts";

const tags = ["chain"];

async function findBlock(store: ReadModel, id: { number: number } | { hash: string }) {
  const block = "hash" in id ? await store.getBlockByHash(id.hash) : await store.getBlockByNumber(id.number);
  if (!block)
    throw new NotFoundError("hash" in id ? `no block with hash ${id.hash}` : `no block ${id.number}`);
  return block;
}

/** Whether the enrichment stage has finished the block with this hash. */
async function enrichmentOf(store: ReadModel, blockHash: string): Promise<EnrichmentStatus> {
  const mark = (await store.getEnrichment([blockHash])).get(blockHash.toLowerCase());
  return mark ? { status: "enriched", mark } : { status: "pending" };
}

const JSON_TYPE = "application/json; charset=utf-8";

/** The detail's own fields as the start of a JSON object, in TransactionDetail's order (no closing brace). */
function detailJsonHead(json: TransactionDetailJson["json"]): string {
  return `{"transaction":${json.transaction},"receipt":${json.receipt},"logs":${json.logs},"tokenTransfers":${json.tokenTransfers},"swaps":${json.swaps},"approvals":${json.approvals},"wethEvents":${json.wethEvents},"contractCreations":${json.contractCreations},"internalTransactions":${json.internalTransactions}`;
}

/** referencedTokens of a detail in JSON text: only the four token-bearing lists are parsed (mostly "[]"). */
function referencedTokensOfJson(json: TransactionDetailJson["json"]): Set<string> {
  const rows = (text: string) => (text === "[]" ? [] : JSON.parse(text));
  return referencedTokens({
    tokenTransfers: rows(json.tokenTransfers),
    approvals: rows(json.approvals),
    wethEvents: rows(json.wethEvents),
    swaps: rows(json.swaps),
  });
}

/** Blocks, transactions and addresses: public reads (an API key used here needs the `read` scope). */
export function registerChainRoutes(app: FastifyInstance, store: ReadModel): void {
  const blockParams = z.object({ id: BlockIdParam });
  const addressParams = z.object({ address: AddressParam });

  readRoute(app, {
    url: "/v1/blocks/latest",
    summary: "The newest stored block",
    tags,
    response: Block,
    read: () => store.getLatestBlock(),
    missing: () => "no block stored yet",
  });

  readRoute(app, {
    url: "/v1/blocks/:id",
    summary: "A block by decimal number or by 32-byte hash",
    tags,
    params: blockParams,
    response: Block,
    read: ({ params }) => findBlock(store, params.id),
  });

  readRoute(app, {
    url: "/v1/blocks/:id/enrichment",
    summary:
      "Whether the enrichment stage has finished a block (pending, or enriched with how each part went: traces, tokens, pools, balances)",
    tags,
    params: blockParams,
    response: EnrichmentStatus,
    read: async ({ params }) => enrichmentOf(store, (await findBlock(store, params.id)).hash),
  });

  pageRoute(app, {
    url: "/v1/blocks/:id/txs",
    summary: "Transactions of a block in index order (cursor pagination)",
    tags,
    params: blockParams,
    response: TransactionPage,
    list: async ({ id }, page) => store.getBlockTransactions((await findBlock(store, id)).hash, page),
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
    handler: async ({ params, reply }) => {
      const found = await store.getTransactionJson(params.hash);
      if (!found) throw new NotFoundError(`no transaction with hash ${params.hash}`);
      const [tokens, enrichment] = await Promise.all([
        tokenMap(store, referencedTokensOfJson(found.json)),
        enrichmentOf(store, found.blockHash),
      ]);
      const traces = enrichment.status === "pending" ? "pending" : enrichment.mark.traces;
      // Composed from the stored JSON text: the same bytes as JSON.stringify({ ...detail, traces, tokens,
      // enrichment }) without parsing the transaction, receipt and logs only to write them out again.
      // The tail's own stringify keeps JSON.stringify's rules for it (tokens is always there, so it is never "{}").
      const tail = JSON.stringify({ traces, tokens, enrichment });
      return reply.type(JSON_TYPE).send(`${detailJsonHead(found.json)},${tail.slice(1)}`);
    },
  });

  readRoute(app, {
    url: "/v1/address/:address",
    summary: "What is known about an address: the contract creation that deployed it, its token metadata",
    tags,
    params: addressParams,
    response: AddressResponse,
    read: async ({ params }) => {
      const [contractCreation, token] = await Promise.all([
        store.getContractCreation(params.address),
        store.getToken(params.address),
      ]);
      return { address: params.address, contractCreation, token };
    },
  });

  pageRoute(app, {
    url: "/v1/address/:address/txs",
    summary: "Transactions from or to an address, newest first (cursor pagination)",
    tags,
    params: addressParams,
    response: TransactionPage,
    list: ({ address }, page) => store.getAddressTransactions(address, page),
  });

  pageRoute(app, {
    url: "/v1/address/:address/token-transfers",
    summary: "ERC-20/721/1155 transfers from or to an address, newest first (cursor pagination)",
    tags,
    params: addressParams,
    response: TokenTransferPage,
    list: ({ address }, page) => store.getAddressTokenTransfers(address, page),
  });

  pageRoute(app, {
    url: "/v1/address/:address/internal-transactions",
    summary:
      "Internal transactions (calls made inside transactions, from the node's call traces) from or to an address, newest first (cursor pagination); empty for blocks not traced",
    tags,
    params: addressParams,
    response: InternalTransactionPage,
    list: ({ address }, page) => store.getAddressInternalTransactions(address, page),
  });

  readRoute(app, {
    url: "/v1/search",
    summary:
      "Recognises a block number, a block or transaction hash, an address, or a token symbol (case-insensitive, at most 20 tokens)",
    tags,
    query: z.object({
      q: z
        .string({ error: "must be a block number, a hash, an address or a token symbol" })
        .trim()
        .min(1, { error: "must be a block number, a hash, an address or a token symbol" })
        .max(200, { error: "must be at most 200 characters" }),
    }),
    response: SearchResponse,
    errors: [404],
    read: async ({ query }) => {
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
      return null;
    },
    missing: () => "nothing matches the query",
  });
}
