import type { FastifyInstance, HTTPMethods } from "fastify";
import type { z } from "zod";
import { type RouteAuth, type RouteSpec, route } from "./route.ts";

type Schema = z.ZodType | undefined;

/** A route of a group: what route() takes, less what the group fixes (tags and auth) and the method. */
type GroupRouteSpec<P, Q, B, A extends RouteAuth> = Omit<
  RouteSpec<P, Q, B, A>,
  "method" | "url" | "tags" | "auth"
>;

/**
 * Routes that share their OpenAPI tags and who may call them (an account's own things, a public read family):
 * `group.get(url, spec)` declares what route() would, with the group's tags and auth filled in.
 */
export function routeGroup<A extends RouteAuth>(app: FastifyInstance, group: { tags: string[]; auth: A }) {
  const add =
    (method: HTTPMethods) =>
    <P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
      url: string,
      spec: GroupRouteSpec<P, Q, B, A>,
    ): void =>
      route<P, Q, B, A>(app, { ...spec, method, url, tags: group.tags, auth: group.auth });
  return { get: add("GET"), post: add("POST"), put: add("PUT"), patch: add("PATCH"), delete: add("DELETE") };
}
