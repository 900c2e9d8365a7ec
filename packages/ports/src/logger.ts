/**
 * The one logger type the cluster adapters take: the slice of the services' pino logger they call. Required, never
 * defaulted to a silent one, so a broker's or driver's errors always reach the service's log.
 */
export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
