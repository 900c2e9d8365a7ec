/** A JSON-RPC error object answered by a node. */
export class RpcResponseError extends Error {
  override name = "RpcResponseError";
  constructor(
    readonly code: number,
    message: string,
    readonly method: string,
  ) {
    super(`${method}: ${code} ${message}`);
  }
}

/** A non-2xx HTTP answer. */
export class RpcHttpError extends Error {
  override name = "RpcHttpError";
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export class RpcTimeoutError extends Error {
  override name = "RpcTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** An answer that is not JSON-RPC at all (bad JSON, wrong ids, missing result). */
export class MalformedRpcAnswerError extends Error {
  override name = "MalformedRpcAnswerError";
}

/** A block the pool asked for is not on the endpoint yet (null answer): lag, try another endpoint. */
export class BlockNotFoundError extends Error {
  override name = "BlockNotFoundError";
  constructor(readonly blockNumber: number) {
    super(`block ${blockNumber} not found`);
  }
}

export class NoHealthyEndpointError extends Error {
  override name = "NoHealthyEndpointError";
  constructor(readonly lastError?: unknown) {
    super(`no RPC endpoint could answer${lastError ? `: ${(lastError as Error).message}` : ""}`);
  }
}

/** The pool was closed (shutdown): calls in flight and waiting retries end at once instead of running out. */
export class RpcPoolClosedError extends Error {
  override name = "RpcPoolClosedError";
  constructor() {
    super("RPC pool closed");
  }
}
