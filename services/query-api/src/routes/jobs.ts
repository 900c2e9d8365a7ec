import type { Job, JobQuota } from "@chainlog/ports";
import { ExportJobList, ExportJobView, QuotasResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, NotFoundError } from "../http/errors.ts";
import { ownedRoutes } from "../http/owned-route.ts";
import { AddressParam, IdParam } from "../http/params.ts";
import { routeGroup } from "../http/route-group.ts";
import type { AccountRouteDeps } from "./account-deps.ts";

export const EXPORT_KINDS = ["export_address_txs", "export_address_token_transfers"] as const;

const FINISHED = new Set(["done", "failed", "cancelled"]);
const tags = ["export jobs"];

export function registerJobRoutes(app: FastifyInstance, { meta, settings }: AccountRouteDeps): void {
  const exports = routeGroup(app, { tags, auth: { user: "export" } });
  const account = routeGroup(app, { tags, auth: { user: "account" } });
  const quota: JobQuota = { maxActive: settings.quotas.jobsActive, maxStored: settings.quotas.jobsStored };
  const view = (j: Job) => ({
    id: j.id,
    kind: j.kind,
    params: j.params,
    status: j.status,
    progress: j.progress,
    error: j.error,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    expiresAt: FINISHED.has(j.status) ? j.updatedAt + settings.jobResultTtlMs : null,
  });

  exports.get("/v1/jobs", {
    summary: "The caller's export jobs",
    responses: { 200: ExportJobList },
    handler: async ({ identity }) => ({ items: (await meta.listJobs(identity.userId)).map(view) }),
  });

  exports.post("/v1/jobs", {
    summary:
      "Queue an export job; its result is kept under the caller until it expires. Quotas: jobs queued or running (429), jobs kept and result bytes (403); see GET /v1/quotas",
    body: z.strictObject({
      kind: z.enum(EXPORT_KINDS, { error: `must be one of ${EXPORT_KINDS.join(", ")}` }),
      params: z.strictObject({
        address: AddressParam,
        format: z.enum(["csv", "json"], { error: "must be csv or json" }).default("csv"),
      }),
    }),
    responses: { 201: ExportJobView },
    handler: async ({ body, identity, reply }) => {
      const usage = await meta.getJobUsage(identity.userId);
      // Results already at the byte quota: a new job could only fail when it tries to keep its file.
      if (usage.resultBytes >= settings.quotas.resultBytes)
        throw new ApiError(
          403,
          "quota_exceeded",
          "export results use up your storage; delete old jobs",
          undefined,
          {
            "x-quota-name": "result_bytes",
            "x-quota-limit": String(settings.quotas.resultBytes),
            "x-quota-used": String(usage.resultBytes),
          },
        );
      reply.code(201);
      return view(await meta.createJob(identity.userId, body, quota));
    },
  });

  account.get("/v1/quotas", {
    summary: "The caller's quotas and what is used of them",
    responses: { 200: QuotasResponse },
    handler: async ({ identity }) => {
      const [usage, lists] = await Promise.all([
        meta.getJobUsage(identity.userId),
        meta.listWatchlists(identity.userId),
      ]);
      const q = settings.quotas;
      return {
        jobsActive: { limit: q.jobsActive, used: usage.active },
        jobsStored: { limit: q.jobsStored, used: usage.stored },
        resultBytes: { limit: q.resultBytes, used: usage.resultBytes },
        watchlists: { limit: q.watchlists, used: lists.length },
        watchlistAddresses: {
          limit: q.watchlistAddresses,
          used: lists.reduce((n, w) => n + w.addresses.length, 0),
        },
        resultTtlSeconds: Math.round(settings.jobResultTtlMs / 1000),
      };
    },
  });

  const job = ownedRoutes(app, { url: "/v1/jobs/:id", tags, scope: "export", missing: "no such job" });
  job.get({
    summary: "One of the caller's jobs",
    response: ExportJobView,
    read: (userId, id) => meta.getJob(userId, id),
    view,
  });
  job.delete({
    summary: "Delete a job and its result (a running job stops at its next page)",
    remove: (userId, id) => meta.deleteJob(userId, id),
  });

  exports.post("/v1/jobs/:id/cancel", {
    summary: "Cancel a queued or running job",
    params: z.object({ id: IdParam }),
    responses: { 200: ExportJobView },
    errors: [409],
    handler: async ({ params, identity }) => {
      const job = await meta.getJob(identity.userId, params.id);
      if (!job) throw new NotFoundError("no such job");
      if (job.status !== "queued" && job.status !== "running")
        throw new ApiError(409, "conflict", `job is already ${job.status}`);
      await meta.updateJob(job.id, { status: "cancelled" });
      return view((await meta.getJob(identity.userId, job.id)) ?? job);
    },
  });

  exports.get("/v1/jobs/:id/result", {
    summary: "Download a finished job's file (CSV or a JSON array of rows, as the job's format says)",
    params: z.object({ id: IdParam }),
    responses: {
      200: {
        description: "the export file (Content-Disposition: attachment), in the job's format",
        content: {
          "text/csv": z.string(),
          "application/json": z.array(z.record(z.string(), z.unknown())),
        },
      },
    },
    handler: async ({ params, identity, reply }) => {
      const result = await meta.getJobResult(identity.userId, params.id);
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
