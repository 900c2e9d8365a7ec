import { randomUUID } from "node:crypto";
import { createServer, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { ModelTables } from "@chainlog/lake";
import type { Bus, MetaStore, OperationalState, ReadModel } from "@chainlog/ports";
import { InvalidCursorError, QuotaExceededError } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import { trustFunction } from "@chainlog/runtime-config";
import { applyServerLimits, CONNECTION_CHECK_INTERVAL_MS, type Logger } from "@chainlog/telemetry";
import { ErrorResponse } from "@chainlog/tx-schema";
import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from "fastify";
import type { Registry } from "prom-client";
import { createPasswordHasher } from "./auth/password.ts";
import { installAccessHook } from "./http/access.ts";
import { ApiError, QuotaError } from "./http/errors.ts";
import { collectRouteMethods } from "./http/method-not-allowed.ts";
import { createHttpMetrics } from "./http/metrics.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { isHttps } from "./http/tls.ts";
import { jsonSchemaOf, zodValidatorCompiler } from "./http/validation.ts";
import { registerAccountRoutes } from "./routes/accounts.ts";
import { registerBalanceRoutes } from "./routes/balances.ts";
import { registerChainRoutes } from "./routes/chain.ts";
import { registerEtherscanRoutes } from "./routes/etherscan.ts";
import { registerJobRoutes } from "./routes/jobs.ts";
import { registerLakeModelRoutes } from "./routes/lake-models.ts";
import { registerOpsRoutes } from "./routes/ops.ts";
import { registerPortfolioRoutes } from "./routes/portfolio.ts";
import { registerStatsRoutes } from "./routes/stats.ts";
import { registerStatusRoutes } from "./routes/status.ts";
import { registerStreamRoutes } from "./routes/stream.ts";
import { registerSwapRoutes } from "./routes/swaps.ts";
import { registerTokenRoutes } from "./routes/tokens.ts";
import { registerWalletPlatformRoutes } from "./routes/wallet-platform.ts";
import { registerWatchlistRoutes } from "./routes/watchlists.ts";
import { type ApiSettings, defaultSettings } from "./settings.ts";
import { createLiveFeed, type LiveFeed } from "./stream/live-feed.ts";

export interface ApiServerDeps {
  store: ReadModel & OperationalState;
  meta: MetaStore;
  /** Without a bus there is no live stream: /v1/stream answers 503. */
  bus?: Bus;
  /**
   * The node pool (ETH_RPC_URL): balances, Etherscan's proxy and logs, the wallet's faucet and relay. Without it
   * those answer an error (the faucet and relay 503).
   */
  rpc?: RpcPool | null;
  logger: Logger;
  metrics: Registry;
  config?: Partial<ApiSettings>;
  /** The built SQL model tables of a local lake (GET /v1/lake/models); none: an empty list. */
  lakeModels?: ModelTables | null;
}

export type ApiServer = FastifyInstance & { liveFeed: LiveFeed | null };

/** Fastify framework errors that are the client's fault (or a timeout), mapped to our codes. */
const FRAMEWORK_ERRORS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_body",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_body",
  FST_ERR_BAD_URL: "invalid_url",
  FST_ERR_ASYNC_CONSTRAINT: "invalid_url",
  FST_ERR_MAX_PARAM_LENGTH: "uri_too_long",
  FST_ERR_HANDLER_TIMEOUT: "timeout",
};

function toApiError(error: FastifyError | Error): ApiError | null {
  if (error instanceof ApiError) return error;
  // Its form was checked already: a well-formed cursor the store did not make points nowhere.
  if (error instanceof InvalidCursorError)
    return new ApiError(
      404,
      "cursor_not_found",
      "no such position: use a nextCursor of this same query",
      "cursor",
      undefined,
      { cause: error },
    );
  if (error instanceof QuotaExceededError) return new QuotaError(error.quota, error.limit, error.used);
  const e = error as FastifyError;
  const code = e.code ? FRAMEWORK_ERRORS[e.code] : undefined;
  if (code)
    return new ApiError(
      e.statusCode ?? 400,
      code,
      e.message.replace(/^FST_\w+:?\s*/, ""),
      undefined,
      undefined,
      {
        cause: error,
      },
    );
  // A JSON body that is not valid JSON (SyntaxError from the parser) or another 4xx from a plugin.
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500)
    return new ApiError(
      e.statusCode,
      e.statusCode === 400 ? "invalid_body" : "client_error",
      "malformed request",
    );
  return null;
}

/** Rejections Node makes before Fastify sees a request, in the same error shape as every other answer. */
const NODE_REJECTIONS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "request headers too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "the request was not received in time"],
};

function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, message] = NODE_REJECTIONS[error.code ?? ""] ?? [
    400,
    "malformed_request",
    "malformed HTTP request",
  ];
  if (
    !socket.writable ||
    (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
  ) {
    socket.destroy(error);
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Builds the query-api Fastify instance (not listening: main.ts or a test decides where). Everything it needs
 * comes in as ports, so tests run it against the real embedded store.
 */
export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const settings: ApiSettings = { ...defaultSettings, ...deps.config };
  const { timeouts } = settings;
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: "http" }) as FastifyBaseLogger,
    // Per-request lines would dominate the log at load; /metrics counts requests and 5xx are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.bodyLimit,
    trustProxy: settings.trustProxy === false ? false : trustFunction(settings.trustProxy),
    // headers / whole request / idle socket / handler (a streaming answer hijacks the reply and is exempt)
    serverFactory: (handler) =>
      createServer({ connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS }, handler),
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: 5_000,
    clientErrorHandler,
    genReqId: () => randomUUID(),
    // No per-request child logger (a pino child per request shows in profiles): request logging is off, and
    // the one place that logs a request passes reqId itself.
    childLoggerFactory: (logger) => logger,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: (error, _request, reply) => {
      const apiError = toApiError(error) ?? new ApiError(400, "invalid_url", "malformed request");
      void (reply as FastifyReply).code(apiError.statusCode).send(apiError.toBody());
    },
  });
  app.decorate("routeHandlerTimeoutMs", timeouts.handlerMs);
  applyServerLimits(app.server, {
    headersTimeoutMs: timeouts.headersMs,
    requestTimeoutMs: timeouts.requestMs,
    idleTimeoutMs: timeouts.idleMs,
    keepAliveTimeoutMs: 5_000,
    maxConnectionsPerClient: settings.maxConnectionsPerClient,
    // Trusted proxies carry many clients: the proxy caps each of them, and the rate limits apply per client here.
    exempt: (address) => trustFunction(settings.trustProxy)(address, 0),
  });
  // QUERY (a safe method with a body, RFC 10008) is known to Fastify 5.12 with its body: undeclared paths answer
  // it 405 like any other method, without declaring it again (which Fastify deprecates, FSTDEP025).
  // JSON only: a text/plain body is what a cross-site form can send without a CORS preflight.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(zodValidatorCompiler);
  // Response schemas are documentation; JSON.stringify keeps every field the store returns.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError) {
      if (apiError.headers) void reply.headers(apiError.headers);
      return reply.code(apiError.statusCode).send(apiError.toBody());
    }
    request.log.error({ err: error, reqId: request.id, route: request.routeOptions.url }, "request failed");
    return reply
      .code(500)
      .send({ error: { code: "internal", message: `internal error (request id ${request.id})` } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: "not_found",
        message: `no route ${request.method} ${request.url.split("?")[0]}`.slice(0, 300),
      },
    }),
  );

  const httpMetrics = createHttpMetrics(deps.metrics);
  app.addHook("onResponse", async (request, reply) => {
    httpMetrics.observe(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  // HSTS only where clients came over TLS: over plain HTTP the header is meaningless and misleading.
  const security = securityHeaders({
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
      },
    },
  });
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(security);
    if (isHttps(request, settings.https))
      void reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    done();
  });
  if (settings.corsOrigins.length > 0)
    await app.register(fastifyCors, { origin: settings.corsOrigins, credentials: true });
  await app.register(fastifyCookie);
  // Before every other plugin and route, so it guards them all (the docs and 404s included).
  installAccessHook(app, { meta: deps.meta, settings });
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

  const routeMethods = collectRouteMethods(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Chainlog query API",
        version: "0.1.0",
        description:
          "Blocks, transactions, addresses, live streams and accounts. uint256 values are decimal strings.",
      },
      components: {
        schemas: { Error: jsonSchemaOf(ErrorResponse, "output") },
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "API key (clk_…)" },
          session: { type: "apiKey", in: "cookie", name: "chainlog_session" },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  const passwords = createPasswordHasher(settings.passwordCost);

  await app.register(async (scope) => registerOpsRoutes(scope, deps));
  await app.register(async (scope) => registerChainRoutes(scope, deps.store));
  await app.register(async (scope) => registerSwapRoutes(scope, deps.store));
  await app.register(async (scope) => registerTokenRoutes(scope, deps.store));
  await app.register(async (scope) => registerPortfolioRoutes(scope, deps.store));
  await app.register(async (scope) => registerStatsRoutes(scope, deps.store));
  await app.register(async (scope) => registerLakeModelRoutes(scope, deps.lakeModels ?? null));
  await app.register(async (scope) =>
    registerBalanceRoutes(scope, {
      store: deps.store,
      rpc: deps.rpc ?? null,
      balanceCacheMs: settings.balanceCacheMs,
    }),
  );
  await app.register(async (scope) =>
    registerEtherscanRoutes(scope, { store: deps.store, rpc: deps.rpc ?? null }),
  );
  await app.register(async (scope) => registerStatusRoutes(scope, deps));
  await app.register(async (scope) => registerAccountRoutes(scope, { meta: deps.meta, settings, passwords }));
  await app.register(async (scope) => registerWatchlistRoutes(scope, { meta: deps.meta, settings }));
  await app.register(async (scope) => registerJobRoutes(scope, { meta: deps.meta, settings }));
  await app.register(async (scope) => registerWalletPlatformRoutes(scope, { ...deps, settings }));

  const liveFeed = deps.bus
    ? createLiveFeed({
        bus: deps.bus,
        store: deps.store,
        logger: deps.logger,
        ringSize: settings.streamRingSize,
        partitions: settings.busPartitions,
      })
    : null;
  await app.register(async (scope) =>
    registerStreamRoutes(scope, { liveFeed, settings, metrics: deps.metrics }),
  );
  await routeMethods.finish({ cors: settings.corsOrigins.length > 0 });
  if (liveFeed) {
    // Subscribed before listen resolves, so an event processed after startup is never missed.
    app.addHook("onReady", async () => liveFeed.start());
    app.addHook("onClose", async () => liveFeed.stop());
  }

  const server = app as unknown as ApiServer;
  server.liveFeed = liveFeed;
  return server;
}
