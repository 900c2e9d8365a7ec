/** The one error body every route answers with: `{ error: { code, message, parameter? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

/** An error whose message is safe to show to the client; anything else becomes a generic 500. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
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

export class NotFoundError extends ApiError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class UnauthenticatedError extends ApiError {
  override name = "UnauthenticatedError";
  constructor(message = "authentication required") {
    super(401, "unauthenticated", message);
  }
}

export class ForbiddenError extends ApiError {
  override name = "ForbiddenError";
  constructor(message: string) {
    super(403, "forbidden", message);
  }
}

export class RateLimitedError extends ApiError {
  override name = "RateLimitedError";
  constructor(retryAfterSeconds: number) {
    super(429, "rate_limited", "rate limit exceeded; retry later", undefined, {
      "retry-after": String(retryAfterSeconds),
    });
  }
}
