import type { ApiKeyScope } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NotFoundError } from "./errors.ts";
import { IdParam } from "./params.ts";
import { route } from "./route.ts";

const IdParams = z.object({ id: IdParam });

/**
 * Routes on one of the caller's own things by id (an export job, a watchlist, an API key). The meta store is
 * asked with the caller's user id, so another user's thing is simply not found: `missing` is the 404's text.
 */
export function ownedRoutes(
  app: FastifyInstance,
  owned: { url: string; tags: string[]; scope: ApiKeyScope; missing: string },
) {
  const common = { url: owned.url, tags: owned.tags, auth: { user: owned.scope }, params: IdParams };
  return {
    get<T>(spec: {
      summary: string;
      response: z.ZodType;
      read: (userId: string, id: string) => Promise<T | null>;
      view: (found: T) => unknown;
    }): void {
      route(app, {
        ...common,
        method: "GET",
        summary: spec.summary,
        responses: { 200: spec.response },
        handler: async ({ params, identity }) => {
          const found = await spec.read(identity.userId, params.id);
          if (!found) throw new NotFoundError(owned.missing);
          return spec.view(found);
        },
      });
    },

    /** 204 when `remove` found the thing, 404 when not. */
    delete(spec: { summary: string; remove: (userId: string, id: string) => Promise<boolean> }): void {
      route(app, {
        ...common,
        method: "DELETE",
        summary: spec.summary,
        responses: { 204: null },
        handler: async ({ params, identity, reply }) => {
          if (!(await spec.remove(identity.userId, params.id))) throw new NotFoundError(owned.missing);
          return reply.code(204).send();
        },
      });
    },
  };
}
