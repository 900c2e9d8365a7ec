import type { ServerResponse } from "node:http";
import { Counter, Gauge, type Registry, registeredMetric } from "@chainlog/telemetry";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { ApiError, InvalidParameterError, QuotaError } from "../http/errors.ts";
import { route } from "../http/route.ts";
import type { ApiSettings } from "../settings.ts";
import { compileFilter, type LiveEvent, StreamQuery, wsMessageOf } from "../stream/filter.ts";
import type { LiveClient, LiveFeed } from "../stream/live-feed.ts";

const EVENT_ID_RE = /^[A-Za-z0-9.]{1,64}$/;
const HEARTBEAT_MS = 15_000;

const StreamRequestQuery = StreamQuery.extend({
  /** For WebSocket clients, which cannot set Last-Event-ID. */
  lastEventId: z
    .string({ error: "must be an id received from this stream" })
    .regex(EVENT_ID_RE, { error: "must be an id received from this stream" })
    .optional(),
});

function metricsOf(registry: Registry) {
  const clients = registeredMetric(registry, Gauge, {
    name: "chainlog_stream_clients",
    help: "Connected live-stream clients",
  });
  const disconnects = registeredMetric(registry, Counter, {
    name: "chainlog_stream_disconnects_total",
    help: "Live-stream clients disconnected, by reason",
    labelNames: ["reason"],
  });
  return { clients, disconnects };
}

/** What differs between SSE and WebSocket: how an event is written, how much is unsent, how it ends. */
interface Transport {
  event(e: LiveEvent): void;
  control(event: "reset" | "error", data: unknown): void;
  buffered(): number;
  heartbeat(): void;
  end(reason: string): void;
  onClose(fn: () => void): void;
}

function sseTransport(raw: ServerResponse, request: FastifyRequest): Transport {
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-content-type-options": "nosniff",
  });
  raw.write("retry: 2000\n\n");
  return {
    event: (e) => raw.write(e.frame),
    control: (event, data) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    buffered: () => raw.writableLength,
    heartbeat: () => raw.write(": keep-alive\n\n"),
    end(reason) {
      if (raw.destroyed) return;
      raw.end(`event: error\ndata: ${JSON.stringify({ code: reason })}\n\n`);
      // A client too slow to read may never drain the last frame: don't wait for it.
      setTimeout(() => raw.destroy(), 1000).unref();
    },
    onClose: (fn) => request.raw.on("close", fn),
  };
}

function wsTransport(socket: WebSocket): Transport {
  return {
    event: (e) => socket.send(wsMessageOf(e)),
    control: (event, data) => socket.send(JSON.stringify({ event, data })),
    buffered: () => socket.bufferedAmount,
    heartbeat: () => socket.ping(),
    end(reason) {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ event: "error", data: { code: reason } }));
      socket.close(reason === "server_shutdown" ? 1001 : 1008, reason);
      setTimeout(() => socket.terminate(), 1000).unref();
    },
    onClose: (fn) => socket.on("close", fn),
  };
}

/**
 * GET /v1/stream: processed transactions and token transfers matching a filter, as Server-Sent Events, or as
 * JSON messages when the request is a WebSocket upgrade. Each client may hold at most
 * streamClientBufferBytes unsent; past that it is disconnected with reason "slow_consumer".
 */
export function registerStreamRoutes(
  app: FastifyInstance,
  deps: { liveFeed: LiveFeed | null; settings: ApiSettings; metrics: Registry },
): void {
  const { liveFeed, settings } = deps;
  const metrics = metricsOf(deps.metrics);
  const open = new Set<(reason: string) => void>();
  /** Open streams per API key, or per client address without one: one client cannot take every slot. */
  const perClient = new Map<string, number>();
  const clientOf = (request: FastifyRequest) =>
    request.identity?.keyId ? `key:${request.identity.keyId}` : `ip:${request.ip}`;

  // Streams never finish on their own; end them so app.close() (SIGTERM) is not held up.
  app.addHook("preClose", async () => {
    for (const end of [...open]) end("server_shutdown");
  });

  /** Checks that run before anything is written, so their errors are ordinary JSON error responses. */
  function admit(request: FastifyRequest, lastEventId: string | undefined): LiveFeed {
    if (!liveFeed) throw new ApiError(503, "unavailable", "live stream not available (no bus configured)");
    if (liveFeed.clients() >= settings.streamMaxClients)
      throw new ApiError(503, "unavailable", "too many live-stream clients; retry later");
    const held = perClient.get(clientOf(request)) ?? 0;
    if (held >= settings.streamsPerClient) throw new QuotaError("streams", settings.streamsPerClient, held);
    if (lastEventId !== undefined && !EVENT_ID_RE.test(lastEventId))
      throw new InvalidParameterError("header.last-event-id", "must be an id received from this stream");
    return liveFeed;
  }

  function serve(
    request: FastifyRequest,
    feed: LiveFeed,
    transport: Transport,
    query: StreamQuery,
    lastEventId: string | undefined,
  ) {
    const owner = clientOf(request);
    perClient.set(owner, (perClient.get(owner) ?? 0) + 1);
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      const left = (perClient.get(owner) ?? 1) - 1;
      if (left > 0) perClient.set(owner, left);
      else perClient.delete(owner);
      feed.detach(client);
      open.delete(end);
      clearInterval(heartbeat);
      metrics.clients.dec();
      metrics.disconnects.inc({ reason });
      if (reason !== "client_closed") transport.end(reason);
    };
    const client: LiveClient = {
      filter: compileFilter(query),
      send(event) {
        if (ended) return;
        // Bytes Node still holds for this socket: past the bound the client is cut off, so a slow reader costs
        // at most streamClientBufferBytes (plus one frame) of server memory.
        if (transport.buffered() > settings.streamClientBufferBytes) return end("slow_consumer");
        transport.event(event);
      },
      buffered: () => transport.buffered(),
      resumeUnavailable: () => transport.control("reset", { reason: "resume_unavailable" }),
    };
    const heartbeat = setInterval(() => {
      if (transport.buffered() > settings.streamClientBufferBytes) end("slow_consumer");
      else transport.heartbeat();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    open.add(end);
    metrics.clients.inc();
    transport.onClose(() => end("client_closed"));

    // The ring's events after lastEventId (or a reset) go out before any newer one. A stream that ended while
    // it was attaching is taken out again, so it holds no slot.
    feed.attach(client, lastEventId).then(
      () => {
        if (ended) feed.detach(client);
      },
      (error) => {
        request.log.error({ err: error }, "live stream could not attach");
        end("feed_error");
      },
    );
  }

  const lastEventIdOf = (request: FastifyRequest, query: { lastEventId?: string | undefined }) => {
    const header = request.headers["last-event-id"];
    if (Array.isArray(header)) throw new InvalidParameterError("header.last-event-id", "must be given once");
    return header ?? query.lastEventId;
  };

  route(app, {
    method: "GET",
    url: "/v1/stream",
    summary:
      "Live transactions and token transfers, filtered: Server-Sent Events, or JSON messages over a WebSocket " +
      "upgrade of the same URL. Resumable with Last-Event-ID (header, or ?lastEventId=)",
    tags: ["stream"],
    auth: { public: "stream" },
    query: StreamRequestQuery,
    responses: {
      200: {
        description: "Server-Sent Events (or 101 Switching Protocols for a WebSocket upgrade)",
        content: { "text/event-stream": z.string() },
      },
    },
    handler: async ({ query, request, reply }) => {
      const lastEventId = lastEventIdOf(request, query);
      const feed = admit(request, lastEventId);
      reply.hijack();
      serve(request, feed, sseTransport(reply.raw, request), query, lastEventId);
    },
    wsHandler: (socket, request) => {
      const query = request.query as z.output<typeof StreamRequestQuery>;
      let feed: LiveFeed;
      let lastEventId: string | undefined;
      try {
        lastEventId = lastEventIdOf(request, query);
        feed = admit(request, lastEventId);
      } catch (error) {
        const body =
          error instanceof ApiError
            ? error.toBody()
            : { error: { code: "internal", message: "internal error" } };
        socket.send(JSON.stringify({ event: "error", data: body.error }));
        socket.close(1008, body.error.code);
        return;
      }
      serve(request, feed, wsTransport(socket), query, lastEventId);
    },
  });
}
