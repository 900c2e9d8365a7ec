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

/** What a named error's arguments say: the short message, or the message and its options. */
export type ErrorSaying = string | readonly [shortMessage: string, options: ChainlogErrorOptions];
type PlainArgs = [shortMessage: string, options?: ChainlogErrorOptions];

/**
 * The one way to declare a named ChainlogError subclass in a line:
 * `export class BusClosedError extends errorClass("BusClosedError", () => "bus is closed") {}`.
 * Without `say` the class takes the base's (shortMessage, options); with it, its own arguments. The name is a
 * string, not the class's own, because bundlers rename classes that collide across packages.
 */
export function errorClass<A extends unknown[] = PlainArgs, B extends ChainlogError = ChainlogError>(
  name: string,
  say?: ((...args: A) => ErrorSaying) | null,
  base: new (...args: PlainArgs) => B = ChainlogError as unknown as new (
    ...args: PlainArgs
  ) => B,
): new (
  ...args: A
) => B {
  const Named = class extends (base as new (...args: PlainArgs) => ChainlogError) {
    constructor(...args: unknown[]) {
      const said = say ? say(...(args as A)) : (args as PlainArgs);
      super(...((typeof said === "string" ? [said] : said) as PlainArgs));
      this.name = name;
    }
  };
  Object.defineProperty(Named, "name", { value: name });
  return Named as unknown as new (
    ...args: A
  ) => B;
}
