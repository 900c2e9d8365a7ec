/** The slice of a pino logger the store uses. */
export interface MetaStoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: MetaStoreLogger = { info() {}, warn() {} };
