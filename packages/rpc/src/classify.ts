import { InvalidRpcAnswerError } from "@chainlog/tx-schema";
import {
  BlockNotFoundError,
  MalformedRpcAnswerError,
  RpcHttpError,
  RpcPoolClosedError,
  RpcResponseError,
  RpcTimeoutError,
} from "./errors.ts";

/**
 * The one error taxonomy of every RPC client in Chainlog:
 * - "transient": timeouts, 5xx, network failures, generic server codes (-32000 "header not found" at the head,
 *   -32603…), answers that fail validation: try again, on the next healthy endpoint;
 * - "rate-limited": 429 / -32005: slow this endpoint's bucket down and go elsewhere meanwhile;
 * - "split": the answer was too large (413, "response too large"): split the batch and try the halves;
 * - "permanent": the node's definite answer (method missing, pruned state, reverted, invalid params): never
 *   retried; the feature that needed it is turned off for that endpoint and probed again later;
 * - "fatal": not a node's answer at all (our own bug): thrown as it is.
 */
export type ErrorClass = "transient" | "rate-limited" | "split" | "permanent" | "fatal";

/** Why a permanent answer is permanent; shown in status and counted per method in metrics. */
export type PermanentKind = "unsupported" | "missing-state" | "reverted" | "invalid-params";

// Generic server errors that many providers use for transient trouble.
const TRANSIENT_CODES = new Set([-32000, -32603, -32005, -32020, -32002, -32003]);
const TOO_LARGE = /response (size )?(is )?too (large|big)|exceeds? .*(limit|size)|too many (results|blocks)/i;
const RATE_LIMITED = /rate limit|too many requests/i;
const UNSUPPORTED =
  /(method|namespace)\b.*\b(not found|does not exist|not available|not supported|disabled)|unsupported method|unknown (method|tracer)|tracer .*not (found|defined|supported)/i;
// Pruned or never kept historical state: geth "missing trie node", erigon/reth "state … pruned", anvil "state … not
// found" or EIP-1474's -32001 "Resource not found" for a block whose state it no longer keeps
const MISSING_STATE =
  /missing trie node|pruned|historical state|state (is )?(not available|unavailable)|state .*not found|no state (available|found)|header for hash not found|resource not found/i;
const REVERTED = /revert/i;

function permanentOf(error: RpcResponseError): PermanentKind | null {
  if (error.code === -32601 || error.code === -32004 || UNSUPPORTED.test(error.message)) return "unsupported";
  if (error.code === -32001 || MISSING_STATE.test(error.message)) return "missing-state";
  if (error.code === 3 || REVERTED.test(error.message)) return "reverted";
  if (error.code === -32602 || error.code === -32600) return "invalid-params";
  return null;
}

export function classifyError(error: unknown): ErrorClass {
  if (error instanceof RpcPoolClosedError) return "fatal";
  if (error instanceof RpcHttpError) {
    if (error.status === 413) return "split";
    if (error.status === 429) return "rate-limited";
    // 5xx, 408, and 401/403/404 (this endpoint is misconfigured; another may not be)
    return "transient";
  }
  if (error instanceof RpcResponseError) {
    if (TOO_LARGE.test(error.message)) return "split";
    if (error.code === 429 || error.code === -32005 || RATE_LIMITED.test(error.message))
      return "rate-limited";
    if (permanentOf(error)) return "permanent";
    if (TRANSIENT_CODES.has(error.code)) return "transient";
    return "transient";
  }
  if (
    error instanceof RpcTimeoutError ||
    error instanceof MalformedRpcAnswerError ||
    error instanceof InvalidRpcAnswerError ||
    error instanceof BlockNotFoundError
  )
    return "transient";
  // network failures (ECONNREFUSED, reset sockets) surface as TypeError, from fetch() and from postBatch.
  if (error instanceof TypeError) return "transient";
  return "fatal";
}

/** The kind of a permanent answer, or null when the error is not one. */
export function permanentKind(error: unknown): PermanentKind | null {
  if (!(error instanceof RpcResponseError)) return null;
  if (TOO_LARGE.test(error.message) || error.code === 429 || error.code === -32005) return null;
  if (RATE_LIMITED.test(error.message)) return null;
  return permanentOf(error);
}
