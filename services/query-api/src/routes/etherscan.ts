import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { type EtherscanDeps, runEtherscan } from "../etherscan/actions.ts";
import { type AnswerCache, createAnswerCache } from "../etherscan/answers.ts";
import {
  EtherscanEnvelope,
  EtherscanResponse,
  envelopeOfApiError,
  MESSAGES,
  notOk,
} from "../etherscan/envelope.ts";
import type { EtherscanQuery } from "../etherscan/params.ts";
import { createRowCache } from "../etherscan/rows.ts";
import { ApiError } from "../http/errors.ts";
import { route } from "../http/route.ts";

/*
 * Every parameter is an optional string of a plain charset here: Etherscan refuses bad values with its own
 * envelope (HTTP 200), so their form is checked per action with Etherscan's words. The schema only bounds the
 * charset and length, which keeps any request URL under Node's 16 KiB header limit.
 */
const param = (description: string, max = 80, chars = "A-Za-z0-9_") =>
  z
    .string()
    .regex(new RegExp(`^[${chars}]{0,${max}}$`), { error: `must be at most ${max} of [${chars}]` })
    .optional()
    .describe(description);
const Query = z.object({
  module: param("account | block | logs | transaction | stats | proxy"),
  action: param(
    "account: balance, balancemulti, txlist, txlistinternal, tokentx, tokennfttx, token1155tx; block: getblocknobytime; logs: getLogs; transaction: gettxreceiptstatus; stats: ethprice; proxy: eth_blockNumber, eth_getBlockByNumber, eth_getTransactionByHash, eth_getTransactionReceipt, eth_getBlockTransactionCountByNumber, eth_getTransactionByBlockNumberAndIndex, eth_getTransactionCount, eth_getCode, eth_getStorageAt, eth_gasPrice, eth_call, eth_estimateGas",
  ),
  apikey: param(
    "a Chainlog API key (clk_…), as Etherscan clients send it; or the Authorization header",
    100,
    "A-Za-z0-9_-",
  ),
  address: param("0x address (balancemulti: up to 20, comma-separated)", 1000, "A-Za-z0-9,"),
  contractaddress: param("token contract (token lists)"),
  tag: param("latest (default) or a 0x-hex block number"),
  startblock: param("first block, decimal"),
  endblock: param("last block, decimal"),
  page: param("page from 1"),
  offset: param("rows per page; page × offset ≤ 10000"),
  sort: param("asc (default) | desc"),
  txhash: param("transaction hash"),
  timestamp: param("unix seconds (getblocknobytime)"),
  closest: param("before (default) | after"),
  fromBlock: param("getLogs: decimal, 0x-hex or latest"),
  toBlock: param("getLogs: decimal, 0x-hex or latest"),
  topic0: param("getLogs topic"),
  topic1: param("getLogs topic"),
  topic2: param("getLogs topic"),
  topic3: param("getLogs topic"),
  topic0_1_opr: param("and | or"),
  topic0_2_opr: param("and | or"),
  topic0_3_opr: param("and | or"),
  topic1_2_opr: param("and | or"),
  topic1_3_opr: param("and | or"),
  topic2_3_opr: param("and | or"),
  boolean: param("proxy eth_getBlockByNumber: true for full transactions"),
  index: param("proxy: 0x-hex transaction index"),
  position: param("proxy eth_getStorageAt: 0x-hex slot"),
  to: param("proxy eth_call / eth_estimateGas"),
  data: param("proxy eth_call / eth_estimateGas: 0x-hex call data", 6000),
  value: param("proxy eth_estimateGas"),
  gas: param("proxy eth_estimateGas"),
  gasPrice: param("proxy eth_estimateGas"),
  id: param("proxy: JSON-RPC id echoed back"),
});
const V2Query = Query.extend({ chainid: param("the chain's id (v2 API); must be this Chainlog's chain") });

const SUMMARY =
  'Etherscan-compatible API: module/action in the query string, answers { status, message, result } (errors: status "0", message "NOTOK", HTTP 200); proxy answers JSON-RPC';

export function registerEtherscanRoutes(
  app: FastifyInstance,
  given: EtherscanDeps & { answers?: AnswerCache },
): void {
  const deps: EtherscanDeps = { ...given, rows: given.rows ?? createRowCache() };
  const answers = given.answers ?? createAnswerCache(given.store);
  // Errors of the access layer (bad key, rate limit, scope) and the framework, in Etherscan's envelope too:
  // its clients read nothing else. The HTTP status stays, so a 429 still says Retry-After.
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      if (error.headers) void reply.headers(error.headers);
      return reply.code(error.statusCode).send(envelopeOfApiError(error));
    }
    request.log.error({ err: error, reqId: request.id, route: request.routeOptions.url }, "request failed");
    return reply.code(500).send(notOk(`Error! internal error (request id ${request.id})`));
  });

  let chainId: Promise<number | null> | null = null;
  const ourChainId = () => {
    if (!deps.rpc) return Promise.resolve(null);
    chainId ??= deps.rpc.request("eth_chainId", []).then(
      (id) => Number(id),
      () => {
        chainId = null;
        return null;
      },
    );
    return chainId;
  };

  for (const url of ["/api", "/v2/api"]) {
    const v2 = url === "/v2/api";
    route(app, {
      method: "GET",
      url,
      summary: v2 ? `${SUMMARY}; chainid must be this chain's` : SUMMARY,
      tags: ["etherscan"],
      auth: { public: "read" },
      apiKeyQuery: "apikey",
      query: v2 ? V2Query : Query,
      responses: { 200: EtherscanResponse },
      errorBody: EtherscanEnvelope,
      handler: async ({ query, reply }) => {
        const q = query as EtherscanQuery;
        if (v2) {
          const want = await ourChainId();
          if (!q.chainid || !/^[0-9]{1,15}$/.test(q.chainid) || (want !== null && Number(q.chainid) !== want))
            return notOk(MESSAGES.chainId);
        }
        const answer = await answers.answer(q, (newest) =>
          runEtherscan(newest === undefined ? deps : { ...deps, newest }, q),
        );
        // already JSON: sent as it is, past the serializer
        if (typeof answer === "string") return reply.type("application/json; charset=utf-8").send(answer);
        return answer;
      },
    });
  }
}
