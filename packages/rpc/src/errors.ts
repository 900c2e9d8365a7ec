import { ChainlogError } from "@chainlog/tx-schema";

/** A JSON-RPC error object answered by a node. */
export class RpcResponseError extends ChainlogError {
  override name = "RpcResponseError";
  constructor(
    readonly code: number,
    message: string,
    readonly method: string,
  ) {
    super(`${method}: ${code} ${message}`);
  }
}

/** A non-2xx HTTP answer; 429 and 5xx may pass on another try. */
export class RpcHttpError extends ChainlogError {
  override name = "RpcHttpError";
  constructor(readonly status: number) {
    super(`HTTP ${status}`, { retryable: status === 429 || status >= 500 });
  }
}

export class RpcTimeoutError extends ChainlogError {
  override name = "RpcTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`, { retryable: true });
  }
}

/** An answer that is not JSON-RPC at all (bad JSON, wrong ids, missing result). */
export class MalformedRpcAnswerError extends ChainlogError {
  override name = "MalformedRpcAnswerError";
}

/** A block the pool asked for is not on the endpoint yet (null answer): lag, try another endpoint. */
export class BlockNotFoundError extends ChainlogError {
  override name = "BlockNotFoundError";
  constructor(readonly blockNumber: number) {
    super(`block ${blockNumber} not found`, { retryable: true });
  }
}

/** Every endpoint failed; the last failure is the cause. */
export class NoHealthyEndpointError extends ChainlogError {
  override name = "NoHealthyEndpointError";
  constructor(readonly lastError?: unknown) {
    super(`no RPC endpoint could answer${lastError ? `: ${(lastError as Error).message}` : ""}`, {
      cause: lastError,
      retryable: true,
    });
  }
}

/** The pool was closed (shutdown): calls in flight and waiting retries end at once instead of running out. */
export class RpcPoolClosedError extends ChainlogError {
  override name = "RpcPoolClosedError";
  constructor() {
    super("RPC pool closed");
  }
}
