import { ErrorResponse } from "@chainlog/tx-schema";
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { WebSocket } from "ws";
import type { z } from "zod";
import { jsonSchemaOf } from "./validation.ts";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P, Q, B> {
  method: HTTPMethods;
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Success status → schema (documentation only; responses are serialised with JSON.stringify). */
  responses?: Record<number, z.ZodType | null>;
  /** Routes that are not part of the public API document (bench, SSE internals). */
  hide?: boolean;
  security?: boolean;
  handler: (ctx: {
    params: Out<P>;
    query: Out<Q>;
    body: Out<B>;
    request: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
  /** With @fastify/websocket: handles a WebSocket upgrade of the same URL (after validation and hooks). */
  wsHandler?: (socket: WebSocket, request: FastifyRequest) => void;
}

/** Registers a route whose params/query/body are validated by zod and documented from the same schemas. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B>): void {
  const response: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(spec.responses ?? {}))
    response[status] = schema ? jsonSchemaOf(schema) : { type: "null", description: "no content" };
  response["4xx"] = jsonSchemaOf(ErrorResponse);
  response["5xx"] = jsonSchemaOf(ErrorResponse);
  app.route({
    method: spec.method,
    url: spec.url,
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.hide ? { hide: true } : {}),
      ...(spec.security ? { security: [{ apiKey: [] }, { session: [] }] } : {}),
      ...(spec.params ? { params: jsonSchemaOf(spec.params) } : {}),
      ...(spec.query ? { querystring: jsonSchemaOf(spec.query) } : {}),
      ...(spec.body ? { body: jsonSchemaOf(spec.body) } : {}),
      response,
    },
    ...(spec.wsHandler ? { wsHandler: spec.wsHandler } : {}),
    handler: (request, reply) =>
      spec.handler({
        params: request.params as Out<P>,
        query: request.query as Out<Q>,
        body: request.body as Out<B>,
        request,
        reply,
      }),
  });
}
