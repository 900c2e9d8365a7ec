import { ChainlogError } from "@chainlog/tx-schema";

/** The one error body every route answers with: `{ error: { code, message, parameter? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

/**
 * An error whose message is safe to show to the client; anything else becomes a generic 500. What it wraps
 * stays its `cause` (logged, never answered); 429 and 503 are worth trying again.
 */
export class ApiError extends ChainlogError {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly headers?: Record<string, string>,
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...options, retryable: statusCode === 429 || statusCode === 503 });
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.parameter === undefined ? {} : { parameter: this.parameter }),
      },
    };
  }
}

export class InvalidParameterError extends ApiError {
  override name = "InvalidParameterError";
  constructor(parameter: string, detail: string) {
    super(400, "invalid_parameter", `parameter '${parameter}' ${detail}`, parameter);
  }
}

/** An ApiError class for one status and code, named (in logs and `instanceof`) like a written-out one. */
function statusError(name: string, statusCode: number, code: string, fallback?: string) {
  const Class = class extends ApiError {
    override name = name;
    constructor(message = fallback ?? code) {
      super(statusCode, code, message);
    }
  };
  Object.defineProperty(Class, "name", { value: name });
  return Class;
}

export const NotFoundError = statusError("NotFoundError", 404, "not_found");
export type NotFoundError = InstanceType<typeof NotFoundError>;
export const UnauthenticatedError = statusError(
  "UnauthenticatedError",
  401,
  "unauthenticated",
  "authentication required",
);
export type UnauthenticatedError = InstanceType<typeof UnauthenticatedError>;
export const ForbiddenError = statusError("ForbiddenError", 403, "forbidden");
export type ForbiddenError = InstanceType<typeof ForbiddenError>;

export class RateLimitedError extends ApiError {
  override name = "RateLimitedError";
  /** burst: the bucket's size, sent as RateLimit-Limit so a client can pace itself. */
  constructor(retryAfterSeconds: number, burst: number, what = "rate limit exceeded") {
    super(429, "rate_limited", `${what}; retry in ${retryAfterSeconds} s`, undefined, {
      "retry-after": String(retryAfterSeconds),
      "ratelimit-limit": String(burst),
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(retryAfterSeconds),
    });
  }
}

const QUOTA_TEXT: Record<string, { status: number; text: (limit: number) => string }> = {
  jobs_active: {
    status: 429,
    text: (n) => `at most ${n} export jobs may be queued or running; wait for one`,
  },
  jobs_stored: { status: 403, text: (n) => `at most ${n} export jobs are kept; delete old ones` },
  result_bytes: { status: 403, text: (n) => `export results may take at most ${n} bytes; delete old ones` },
  watchlists: { status: 403, text: (n) => `at most ${n} watchlists per account` },
  watchlist_addresses: { status: 403, text: (n) => `at most ${n} addresses over all your watchlists` },
  streams: { status: 429, text: (n) => `at most ${n} live streams per API key or client; close one` },
};

/**
 * A per-user (or per-client) quota: 429 when waiting frees it (running jobs, open streams), 403 when the
 * caller must delete something. The headers name the quota, its limit and what is used.
 */
export class QuotaError extends ApiError {
  override name = "QuotaError";
  constructor(quota: string, limit: number, used: number) {
    const known = QUOTA_TEXT[quota] ?? { status: 403, text: (n: number) => `quota of ${n} reached` };
    super(known.status, "quota_exceeded", `${known.text(limit)} (${used} used)`, undefined, {
      "x-quota-name": quota,
      "x-quota-limit": String(limit),
      "x-quota-used": String(used),
      ...(known.status === 429 ? { "retry-after": "10" } : {}),
    });
  }
}

export class MethodNotAllowedError extends ApiError {
  override name = "MethodNotAllowedError";
  constructor(method: string, allowed: string[]) {
    super(405, "method_not_allowed", `${method} is not allowed here; use ${allowed.join(", ")}`, undefined, {
      allow: allowed.join(", "),
    });
  }
}
