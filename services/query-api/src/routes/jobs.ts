import type { Job, MetaStore } from "@chainlog/ports";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireUser } from "../auth/identity.ts";
import { ApiError, NotFoundError } from "../http/errors.ts";
import { AddressParam, IdParam } from "../http/params.ts";
import { route } from "../http/route.ts";

export const EXPORT_KINDS = ["export_address_txs", "export_address_token_transfers"] as const;

const JobView = z.object({
  id: z.string(),
  kind: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  progress: z.number(),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const view = (j: Job) => ({
  id: j.id,
  kind: j.kind,
  params: j.params,
  status: j.status,
  progress: j.progress,
  error: j.error,
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
});
const tags = ["export jobs"];

export function registerJobRoutes(app: FastifyInstance, meta: MetaStore): void {
  route(app, {
    method: "GET",
    url: "/v1/jobs",
    summary: "The caller's export jobs",
    tags,
    security: true,
    responses: { 200: z.object({ items: z.array(JobView) }) },
    handler: async ({ request }) => {
      const { userId } = requireUser(request, "export");
      return { items: (await meta.listJobs(userId)).map(view) };
    },
  });

  route(app, {
    method: "POST",
    url: "/v1/jobs",
    summary: "Queue an export job; its result is kept under the caller",
    tags,
    security: true,
    body: z.strictObject({
      kind: z.enum(EXPORT_KINDS, { error: `must be one of ${EXPORT_KINDS.join(", ")}` }),
      params: z.strictObject({
        address: AddressParam,
        format: z.enum(["csv", "json"], { error: "must be csv or json" }).default("csv"),
      }),
    }),
    responses: { 201: JobView },
    handler: async ({ body, request, reply }) => {
      const { userId } = requireUser(request, "export");
      reply.code(201);
      return view(await meta.createJob(userId, body));
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/jobs/:id",
    summary: "One of the caller's jobs",
    tags,
    security: true,
    params: z.object({ id: IdParam }),
    responses: { 200: JobView },
    handler: async ({ params, request }) => {
      const { userId } = requireUser(request, "export");
      const job = await meta.getJob(userId, params.id);
      if (!job) throw new NotFoundError("no such job");
      return view(job);
    },
  });

  route(app, {
    method: "POST",
    url: "/v1/jobs/:id/cancel",
    summary: "Cancel a queued or running job",
    tags,
    security: true,
    params: z.object({ id: IdParam }),
    responses: { 200: JobView },
    handler: async ({ params, request }) => {
      const { userId } = requireUser(request, "export");
      const job = await meta.getJob(userId, params.id);
      if (!job) throw new NotFoundError("no such job");
      if (job.status !== "queued" && job.status !== "running")
        throw new ApiError(409, "conflict", `job is already ${job.status}`);
      await meta.updateJob(job.id, { status: "cancelled" });
      return view((await meta.getJob(userId, job.id)) ?? job);
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/jobs/:id/result",
    summary: "Download a finished job's file",
    tags,
    security: true,
    params: z.object({ id: IdParam }),
    responses: { 200: z.string() },
    handler: async ({ params, request, reply }) => {
      const { userId } = requireUser(request, "export");
      const result = await meta.getJobResult(userId, params.id);
      if (!result) throw new NotFoundError("no result for this job (unknown, not yours, or not done yet)");
      const safeName = result.filename.replace(/[^A-Za-z0-9._-]/g, "_");
      void reply
        .type(result.contentType)
        .header("content-disposition", `attachment; filename="${safeName}"`)
        .header("cache-control", "private, no-store");
      return reply.send(result.body);
    },
  });
}
