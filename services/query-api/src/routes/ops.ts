import type { MetaStore, ReadModel } from "@chainlog/ports";
import { LIVENESS, readinessAnswer, runHealthChecks } from "@chainlog/telemetry";
import { Liveness, Readiness } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import { route } from "../http/route.ts";

const tags = ["operations"];

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: { store: ReadModel; meta: MetaStore; metrics: Registry },
): void {
  route(app, {
    method: "GET",
    url: "/healthz",
    summary: "Liveness: the process answers",
    tags,
    auth: "public",
    responses: { 200: Liveness },
    handler: async () => LIVENESS,
  });

  route(app, {
    method: "GET",
    url: "/readyz",
    summary: "Readiness: the store and the metadata store answer",
    tags,
    auth: "public",
    responses: { 200: Readiness },
    handler: async ({ reply }) => {
      const { statusCode, body } = readinessAnswer(
        await runHealthChecks([
          { name: "store", check: () => deps.store.health() },
          { name: "meta", check: () => deps.meta.health() },
        ]),
      );
      // Unready: the same error shape as every other route, with the per-dependency checks beside it.
      reply.code(statusCode);
      return body;
    },
  });

  route(app, {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics",
    tags,
    auth: "public",
    responses: {
      200: { description: "Prometheus text exposition format", content: { "text/plain": z.string() } },
    },
    handler: async ({ reply }) => {
      reply.type(deps.metrics.contentType);
      return deps.metrics.metrics();
    },
  });
}
