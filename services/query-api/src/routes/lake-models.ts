import type { ModelTables } from "@chainlog/lake";
import { LakeModelResponse, LakeModelsResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NotFoundError } from "../http/errors.ts";
import { limitParam } from "../http/params.ts";
import { route } from "../http/route.ts";

const OffsetParam = z
  .string({ error: "must be an integer from 0 to 1000000" })
  .regex(/^(0|[1-9]\d{0,5}|1000000)$/, { error: "must be an integer from 0 to 1000000" })
  .transform(Number)
  .default(0);

/**
 * The lake's SQL models as `chainlog models build` wrote them (Parquet beside a local lake, read with DuckDB):
 * the warehouse's figures beside the API's own daily stats. Without a local lake (none, or one on S3, whose
 * models Athena serves) the list is empty and every model a 404.
 */
export function registerLakeModelRoutes(app: FastifyInstance, tables: ModelTables | null): void {
  route(app, {
    method: "GET",
    url: "/v1/lake/models",
    summary:
      "The lake's SQL models that have been built (pnpm chainlog models build), with their row counts and build times",
    tags: ["lake"],
    auth: { public: "read" },
    responses: { 200: LakeModelsResponse },
    handler: async () => ({ items: tables ? await tables.list() : [] }),
  });

  route(app, {
    method: "GET",
    url: "/v1/lake/models/:name",
    summary:
      "Rows of one built model table (e.g. daily_transactions_fees), in the model's order, with its column types; wei and other large integers are decimal strings; daily models carry day_complete (false for a day not yet final)",
    tags: ["lake"],
    auth: { public: "read" },
    params: z.object({
      name: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,99}$/, { error: "must be a model name (lower case, digits, _)" }),
    }),
    query: z.object({ limit: limitParam(1000, 100), offset: OffsetParam }),
    responses: { 200: LakeModelResponse },
    handler: async ({ params, query }) => {
      const page = tables ? await tables.read(params.name, query) : null;
      if (!page)
        throw new NotFoundError(
          `no built model ${params.name}: run pnpm chainlog models build (GET /v1/lake/models lists the built ones)`,
        );
      return page;
    },
  });
}
