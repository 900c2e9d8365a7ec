import { z } from "zod";
import { ErrorResponse } from "./responses.ts";

/*
 * The one health shape every service answers (ingest, processor, query-api, web): GET /healthz for liveness,
 * GET /readyz for readiness with one entry per dependency. 200 when ready, 503 with the error body otherwise.
 */

/** /healthz: the process answers. */
export const Liveness = z.object({ status: z.literal("ok") });
export type Liveness = z.infer<typeof Liveness>;

/** One dependency's verdict; `detail` says why it is not ok (or what is notable while ok). */
export const HealthCheckResult = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string().optional(),
});
export type HealthCheckResult = z.infer<typeof HealthCheckResult>;

/** /readyz: ready when every check is ok; when not, `error` names the failing checks. */
export const Readiness = z.object({
  status: z.enum(["ready", "unready"]),
  checks: z.array(HealthCheckResult),
  error: ErrorResponse.shape.error.optional(),
});
export type Readiness = z.infer<typeof Readiness>;
