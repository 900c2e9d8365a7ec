import type { FastifyInstance } from "fastify";
import { MethodNotAllowedError } from "./errors.ts";

const METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"];

/**
 * A path that exists answers 405 with Allow for every method it does not declare, instead of a 404 that says the
 * path is unknown. Call before any route is declared; `finish` registers the 405s once every route is known
 * (registered last, as a plugin, so it runs after the route plugins).
 */
export function collectRouteMethods(app: FastifyInstance): {
  finish(options: { cors: boolean }): Promise<void>;
} {
  const byUrl = new Map<string, Set<string>>();
  app.addHook("onRoute", (route) => {
    const methods = byUrl.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) methods.add(m.toUpperCase());
    byUrl.set(route.url, methods);
  });
  return {
    async finish({ cors }) {
      await app.register(async (scope) => {
        for (const [url, declared] of [...byUrl]) {
          // GET answers HEAD (Fastify adds it); with CORS on, @fastify/cors owns OPTIONS.
          if (declared.has("GET")) declared.add("HEAD");
          if (cors) declared.add("OPTIONS");
          const allowed = METHODS.filter((m) => declared.has(m));
          const missing = METHODS.filter((m) => !declared.has(m));
          if (missing.length === 0) continue;
          scope.route({
            method: missing,
            url,
            schema: { hide: true },
            // Before the body is parsed: whatever an undeclared method carries, the answer is 405.
            onRequest: async (request) => {
              throw new MethodNotAllowedError(request.method, allowed);
            },
            handler: async () => undefined,
          });
        }
      });
    },
  };
}
