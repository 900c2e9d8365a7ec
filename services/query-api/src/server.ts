import { randomUUID } from "node:crypto";
import type { Bus, MetaStore, Store } from "@chainlog/ports";
import { InvalidCursorError } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
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
import { resolveIdentity } from "./auth/identity.ts";
import { ApiError, InvalidParameterError, RateLimitedError } from "./http/errors.ts";
import { createHttpMetrics } from "./http/metrics.ts";
import { createTokenBuckets } from "./http/rate-limit.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { findOperatorKey, zodValidatorCompiler } from "./http/validation.ts";
import { registerAccountRoutes } from "./routes/accounts.ts";
import { registerChainRoutes } from "./routes/chain.ts";
import { registerJobRoutes } from "./routes/jobs.ts";
import { registerOpsRoutes } from "./routes/ops.ts";
import { registerPortfolioRoutes } from "./routes/portfolio.ts";
import { registerStatsRoutes } from "./routes/stats.ts";
import { registerStatusRoutes } from "./routes/status.ts";
import { registerStreamRoutes } from "./routes/stream.ts";
import { registerSwapRoutes } from "./routes/swaps.ts";
import { registerTokenRoutes } from "./routes/tokens.ts";
import { registerWatchlistRoutes } from "./routes/watchlists.ts";
import { type ApiSettings, defaultSettings } from "./settings.ts";
import { createLiveFeed, type LiveFeed } from "./stream/live-feed.ts";

export interface ApiServerDeps {
  store: Store;
  meta: MetaStore;
  /** Without a bus there is no live stream: /v1/stream answers 503. */
  bus?: Bus;
  logger: Logger;
  metrics: Registry;
  config?: Partial<ApiSettings>;
}

export type ApiServer = FastifyInstance & { liveFeed: LiveFeed | null };

/** Fastify framework errors that are the client's fault, mapped to our codes. */
const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_body",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_body",
  FST_ERR_BAD_URL: "invalid_url",
  FST_ERR_ASYNC_CONSTRAINT: "invalid_url",
};

function toApiError(error: FastifyError | Error): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidCursorError)
    return new InvalidParameterError("cursor", "must be a cursor returned as nextCursor");
  const e = error as FastifyError;
  const code = e.code ? CLIENT_ERRORS[e.code] : undefined;
  if (code) return new ApiError(e.statusCode ?? 400, code, e.message.replace(/^FST_\w+:?\s*/, ""));
  // A JSON body that is not valid JSON (SyntaxError from the parser) or another 4xx from a plugin.
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500)
    return new ApiError(
      e.statusCode,
      e.statusCode === 400 ? "invalid_body" : "client_error",
      "malformed request",
    );
  return null;
}

/**
 * Builds the query-api Fastify instance (not listening: main.ts or a test decides where). Everything it needs
 * comes in as ports, so tests run it against the real embedded store.
 */
export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const settings: ApiSettings = { ...defaultSettings, ...deps.config };
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: "http" }) as FastifyBaseLogger,
    // Per-request lines would dominate the log at load; /metrics counts requests and 5xx are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.bodyLimit,
    trustProxy: settings.trustProxy,
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

  const security = securityHeaders({
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
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(security);
    done();
  });
  if (settings.corsOrigins.length > 0)
    await app.register(fastifyCors, { origin: settings.corsOrigins, credentials: true });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });

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
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "API key (clk_…)" },
          session: { type: "apiKey", in: "cookie", name: "chainlog_session" },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  // Identity, then the rate limit: per key when one is presented, otherwise per client IP.
  const ipBuckets = createTokenBuckets(settings.ipRateLimit);
  const keyBuckets = createTokenBuckets(settings.keyRateLimit);
  app.decorateRequest("identity", null);
  app.addHook("onRequest", async (request) => {
    // Routes without a query schema still must not see operator-like keys (they could reach a store one day).
    const operator = findOperatorKey(request.query);
    if (operator)
      throw new InvalidParameterError(operator.join("."), "is not allowed (operator-like or reserved key)");
    if (!request.url.startsWith("/v1/")) return;
    try {
      request.identity = await resolveIdentity(request, deps.meta);
    } catch (error) {
      // Failed credentials count against the IP, so guessing keys is rate limited too.
      const wait = ipBuckets.take(request.ip);
      throw wait > 0 ? new RateLimitedError(wait) : error;
    }
    const wait = request.identity?.keyId
      ? keyBuckets.take(request.identity.keyId)
      : ipBuckets.take(request.ip);
    if (wait > 0) throw new RateLimitedError(wait);
  });

  await app.register(async (scope) => registerOpsRoutes(scope, deps));
  await app.register(async (scope) => registerChainRoutes(scope, deps.store));
  await app.register(async (scope) => registerSwapRoutes(scope, deps.store));
  await app.register(async (scope) => registerTokenRoutes(scope, deps.store));
  await app.register(async (scope) => registerPortfolioRoutes(scope, deps.store));
  await app.register(async (scope) => registerStatsRoutes(scope, deps.store));
  await app.register(async (scope) => registerStatusRoutes(scope, deps));
  await app.register(async (scope) => registerAccountRoutes(scope, { meta: deps.meta, settings }));
  await app.register(async (scope) => registerWatchlistRoutes(scope, deps.meta));
  await app.register(async (scope) => registerJobRoutes(scope, deps.meta));

  const liveFeed = deps.bus
    ? createLiveFeed({
        bus: deps.bus,
        logger: deps.logger,
        ringSize: settings.streamRingSize,
        partitions: settings.busPartitions,
      })
    : null;
  await app.register(async (scope) =>
    registerStreamRoutes(scope, { liveFeed, settings, metrics: deps.metrics }),
  );
  if (liveFeed) {
    // Subscribed before listen resolves, so an event processed after startup is never missed.
    app.addHook("onReady", async () => liveFeed.start());
    app.addHook("onClose", async () => liveFeed.stop());
  }

  const server = app as unknown as ApiServer;
  server.liveFeed = liveFeed;
  return server;
}
