import type { ApiKeyScope } from "@chainlog/ports";
import { ErrorResponse } from "@chainlog/tx-schema";
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import type { Identity } from "../auth/identity.ts";
import { jsonSchemaOf } from "./validation.ts";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * Who may call a route. It is checked for every request in the onRequest hook (access.ts), before the body is
 * read or validated:
 * - "public": anyone; a credential that is sent must still be valid (401).
 * - { public: scope }: anyone; an API key used here must carry the scope (403).
 * - { user: scope }: a session, or an API key carrying the scope; 401 without one, 403 without the scope.
 */
export type RouteAuth = "public" | { public: ApiKeyScope } | { user: ApiKeyScope };

/** What a route's Fastify config carries for the access hook. */
export interface RouteAccess {
  auth: RouteAuth;
  /** "credentials": sign-up and login, which also draw on the per-client password-guessing budget. */
  throttle?: "credentials";
  /** A query parameter that may carry the API key (Etherscan's `apikey`), beside the headers. */
  apiKeyQuery?: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The longest a handler may take before the answer is a 503 (set once by createApiServer). */
    routeHandlerTimeoutMs?: number;
  }
  interface FastifyContextConfig {
    /** Set by route(); routes without it (plugins', 404, 405) are public. */
    auth?: RouteAuth;
    throttle?: "credentials";
    apiKeyQuery?: string;
  }
}

/** A success answer: a JSON schema, null (no body), or bodies by content type (schema null: any). */
export type SuccessResponse =
  | z.ZodType
  | null
  | { description: string; content: Record<string, z.ZodType | null> };

type IdentityOf<A> = A extends { user: ApiKeyScope } ? Identity : Identity | null;

export interface RouteSpec<P, Q, B, A extends RouteAuth> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tags: string[];
  auth: A;
  throttle?: "credentials";
  /** See RouteAccess.apiKeyQuery. */
  apiKeyQuery?: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, SuccessResponse>;
  /**
   * Error statuses this route answers beyond the ones every route may (400, 401, 429, 431, 500, 503) and the
   * ones its declaration implies (403 with a scope, 404/414 with path parameters, 413/415 with a body).
   */
  errors?: number[];
  /** Routes that are not part of the public API document. */
  hide?: boolean;
  /** This route's largest body in bytes, when it differs from the server's. */
  bodyLimit?: number;
  /** The body of every error answer, when the route's scope answers errors in another shape (Etherscan's). */
  errorBody?: z.ZodType;
  handler: (ctx: {
    params: Out<P>;
    query: Out<Q>;
    body: Out<B>;
    /** The caller; never null on { user: … } routes (the access hook answered 401 already). */
    identity: IdentityOf<A>;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
  /** With @fastify/websocket: handles a WebSocket upgrade of the same URL (after validation and hooks). */
  wsHandler?: (socket: WebSocket, request: FastifyRequest) => void;
}

const ERROR_TEXT: Record<number, string> = {
  400: "malformed request or invalid parameter",
  401: "authentication required, or the credential sent is not valid",
  403: "the API key lacks the scope, or a quota is used up",
  404: "not found",
  405: "method not allowed (see Allow)",
  409: "conflict",
  413: "body too large",
  414: "a path parameter is too long",
  415: "unsupported content type (JSON only)",
  429: "rate limited or a quota of things held at once; see Retry-After",
  431: "request headers too large",
  500: "internal error",
  503: "unavailable, or the answer took too long",
};

/** Every status a route may answer with an error, in the one error shape. */
export function errorStatuses(spec: {
  auth: RouteAuth;
  params?: unknown;
  body?: unknown;
  errors?: number[];
}): number[] {
  const statuses = new Set([400, 401, 429, 431, 500, 503, ...(spec.errors ?? [])]);
  if (spec.auth !== "public") statuses.add(403);
  if (spec.params) for (const s of [404, 414]) statuses.add(s);
  if (spec.body) for (const s of [413, 415]) statuses.add(s);
  return [...statuses].sort();
}

function successSchema(response: SuccessResponse): Record<string, unknown> {
  if (response === null) return { type: "null", description: "no content" };
  if (!(response instanceof z.ZodType))
    return {
      description: response.description,
      content: Object.fromEntries(
        Object.entries(response.content).map(([type, schema]) => [
          type,
          { schema: schema ? jsonSchemaOf(schema, "output") : {} },
        ]),
      ),
    };
  return {
    description: "success",
    content: { "application/json": { schema: jsonSchemaOf(response, "output") } },
  };
}

/** Documentation of a route for @fastify/swagger, from the same zod schemas that validate its requests. */
function openApiOf(spec: RouteSpec<unknown, unknown, unknown, RouteAuth>): Record<string, unknown> {
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(spec.responses)) response[status] = successSchema(schema);
  for (const status of errorStatuses(spec))
    response[status] = {
      description: ERROR_TEXT[status] ?? "error",
      content: { "application/json": { schema: jsonSchemaOf(spec.errorBody ?? ErrorResponse, "output") } },
    };
  const scope = typeof spec.auth === "object" ? Object.values(spec.auth)[0] : undefined;
  const description =
    spec.auth === "public"
      ? undefined
      : "public" in spec.auth
        ? `Public; an API key used here needs the '${scope}' scope.`
        : `Needs a session, or an API key with the '${scope}' scope.`;
  return {
    summary: spec.summary,
    ...(description ? { description } : {}),
    tags: spec.tags,
    ...(spec.hide ? { hide: true } : {}),
    ...(typeof spec.auth === "object" && "user" in spec.auth
      ? { security: [{ apiKey: [] }, { session: [] }] }
      : {}),
    ...(spec.params ? { params: jsonSchemaOf(spec.params as z.ZodType) } : {}),
    ...(spec.query ? { querystring: jsonSchemaOf(spec.query as z.ZodType) } : {}),
    ...(spec.body ? { body: jsonSchemaOf(spec.body as z.ZodType) } : {}),
    response,
  };
}

/**
 * Declares a route in one step: who may call it (auth), extra throttling, its validated params/query/body and
 * every answer. Requests are validated by zod and the OpenAPI document is generated from the same schemas.
 */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  A extends RouteAuth = RouteAuth,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B, A>): void {
  const access: RouteAccess = {
    auth: spec.auth,
    ...(spec.throttle ? { throttle: spec.throttle } : {}),
    ...(spec.apiKeyQuery ? { apiKeyQuery: spec.apiKeyQuery } : {}),
  };
  app.route({
    method: spec.method,
    url: spec.url,
    config: access,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    schema: openApiOf(spec as RouteSpec<unknown, unknown, unknown, RouteAuth>),
    // A WebSocket upgrade hands the socket over for as long as it lives: no handler deadline there (the SSE
    // answer of the same route hijacks the reply at once).
    ...(spec.wsHandler
      ? { wsHandler: spec.wsHandler }
      : app.routeHandlerTimeoutMs
        ? { handlerTimeout: app.routeHandlerTimeoutMs }
        : {}),
    handler: (request, reply) =>
      spec.handler({
        params: request.params as Out<P>,
        query: request.query as Out<Q>,
        body: request.body as Out<B>,
        identity: request.identity as IdentityOf<A>,
        request,
        reply,
      }),
  });
}
