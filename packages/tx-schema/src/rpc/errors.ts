import { ChainlogError } from "../errors.ts";

/** An RPC answer that is well-formed JSON but not a valid or consistent Ethereum answer. Never published. */
export class InvalidRpcAnswerError extends ChainlogError {
  override name = "InvalidRpcAnswerError";
  constructor(
    readonly method: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    // another node (or the same one later) may answer well: the caller may try again
    super(`invalid ${method} answer: ${reason}`, { ...options, retryable: true });
  }
}
