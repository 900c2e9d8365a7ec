import type { PageQuery as StorePage } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { NotFoundError } from "./errors.ts";
import { PageQuery } from "./params.ts";
import { route } from "./route.ts";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

interface ReadSpec<P, Q> {
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  response: z.ZodType;
  errors?: number[];
  read: (ctx: { params: Out<P>; query: Out<Q> }) => Promise<unknown>;
  /** The 404 message when `read` finds nothing (null); without it, null is the answer. */
  missing?: (params: Out<P>) => string;
}

/**
 * The shape most reads share: a GET anyone may call (an API key used here needs the `read` scope) that
 * validates its path and query, reads the store, and answers what it read, or 404 when there is nothing.
 */
export function readRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, spec: ReadSpec<P, Q>): void {
  const { response, read, missing, ...declared } = spec;
  route(app, {
    ...declared,
    method: "GET",
    auth: { public: "read" },
    responses: { 200: response },
    handler: async ({ params, query }) => {
      const found = await read({ params, query } as { params: Out<P>; query: Out<Q> });
      if (found == null && missing) throw new NotFoundError(missing(params as Out<P>));
      return found;
    },
  });
}

/** A listing in cursor pages: `limit` and `cursor` from the query, as the store's listings take them. */
export function pageRoute<P extends z.ZodType>(
  app: FastifyInstance,
  spec: Omit<ReadSpec<P, typeof PageQuery>, "query" | "read" | "missing"> & {
    params: P;
    list: (params: z.output<P>, page: StorePage) => Promise<unknown>;
  },
): void {
  const { list, ...rest } = spec;
  readRoute(app, {
    ...rest,
    query: PageQuery,
    read: ({ params, query }) =>
      list(params as z.output<P>, { limit: query.limit, cursor: query.cursor ?? null }),
  });
}
