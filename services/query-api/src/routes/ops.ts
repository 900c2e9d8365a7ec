import type { MetaStore, ReadModel } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { z } from "zod";
import { route } from "../http/route.ts";

const tags = ["operations"];

async function check(name: string, fn: () => Promise<{ ok: boolean; detail?: string }>) {
  try {
    const result = await Promise.race([
      fn(),
      new Promise<{ ok: boolean; detail: string }>((resolve) =>
        setTimeout(() => resolve({ ok: false, detail: "timed out after 2 s" }), 2000).unref(),
      ),
    ]);
    return { name, ok: result.ok, ...(result.detail ? { detail: result.detail } : {}) };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.name : "health check failed" };
  }
}

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
    responses: { 200: z.object({ status: z.literal("ok") }) },
    handler: async () => ({ status: "ok" }),
  });

  route(app, {
    method: "GET",
    url: "/readyz",
    summary: "Readiness: the store and the metadata store answer",
    tags,
    auth: "public",
    responses: {
      200: z.object({
        status: z.enum(["ready", "unready"]),
        checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() })),
      }),
    },
    handler: async ({ reply }) => {
      const checks = await Promise.all([
        check("store", () => deps.store.health()),
        check("meta", () => deps.meta.health()),
      ]);
      const failing = checks.filter((c) => !c.ok).map((c) => c.name);
      if (failing.length === 0) return { status: "ready", checks };
      // Same error shape as every other route, with the per-dependency checks beside it.
      reply.code(503);
      return {
        error: { code: "unavailable", message: `not ready: ${failing.join(", ")} unhealthy` },
        status: "unready",
        checks,
      };
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
