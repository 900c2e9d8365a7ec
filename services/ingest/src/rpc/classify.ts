import { InvalidRpcAnswerError } from "@chainlog/tx-schema";
import {
  BlockNotFoundError,
  MalformedRpcAnswerError,
  RpcHttpError,
  RpcResponseError,
  RpcTimeoutError,
} from "./errors.ts";

/**
 * What to do with a failed request:
 * - "retry": try again, on the next healthy endpoint (transient or endpoint-specific trouble);
 * - "split": the answer was too large: split the batch and try the halves;
 * - "rate-limited": the endpoint throttles us: slow its bucket down and go elsewhere meanwhile;
 * - "unsupported": the endpoint lacks the method (e.g. eth_getBlockReceipts): fall back;
 * - "fatal": our request is wrong; retrying cannot help.
 */
export type ErrorClass = "retry" | "split" | "rate-limited" | "unsupported" | "fatal";

// Generic server errors that many providers use for transient trouble (NOTES item 1).
const RETRY_CODES = new Set([-32000, -32603, -32005, -32020, -32002, -32003]);
const TOO_LARGE = /response (size )?(is )?too (large|big)|exceeds? .*(limit|size)|too many (results|blocks)/i;

export function classifyError(error: unknown): ErrorClass {
  if (error instanceof RpcHttpError) {
    if (error.status === 413) return "split";
    if (error.status === 429) return "rate-limited";
    if (error.status >= 500 || error.status === 408) return "retry";
    // 401/403/404: this endpoint is misconfigured, another may not be.
    return "retry";
  }
  if (error instanceof RpcResponseError) {
    if (TOO_LARGE.test(error.message)) return "split";
    if (error.code === 429 || error.code === -32005 || /rate limit|too many requests/i.test(error.message))
      return "rate-limited";
    if (error.code === -32601) return "unsupported";
    if (RETRY_CODES.has(error.code)) return "retry";
    if (error.code === -32602 || error.code === -32600) return "fatal";
    return "retry";
  }
  if (
    error instanceof RpcTimeoutError ||
    error instanceof MalformedRpcAnswerError ||
    error instanceof InvalidRpcAnswerError ||
    error instanceof BlockNotFoundError
  )
    return "retry";
  // fetch() network failures (ECONNREFUSED, reset sockets) surface as TypeError.
  if (error instanceof TypeError) return "retry";
  return "fatal";
}
