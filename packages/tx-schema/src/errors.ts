/**
 * The base of Chainlog's errors, after viem's BaseError: a short message that says what failed (and is what
 * `message` holds, so answers and logs that show it stay as they are), optional details, the error it wraps
 * as the standard `cause` (which the logger prints as a chain), and whether trying again may succeed.
 */
export interface ChainlogErrorOptions {
  cause?: unknown;
  details?: string;
  retryable?: boolean;
}

export class ChainlogError extends Error {
  override name = "ChainlogError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly retryable: boolean;

  constructor(shortMessage: string, options: ChainlogErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}
