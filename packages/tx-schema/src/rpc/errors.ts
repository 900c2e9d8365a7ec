/** An RPC answer that is well-formed JSON but not a valid or consistent Ethereum answer. Never published. */
export class InvalidRpcAnswerError extends Error {
  override name = "InvalidRpcAnswerError";
  constructor(
    readonly method: string,
    readonly reason: string,
  ) {
    super(`invalid ${method} answer: ${reason}`);
  }
}
