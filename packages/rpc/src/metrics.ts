import { Counter, Gauge, Histogram, Registry } from "@chainlog/telemetry";

export type RpcMetrics = ReturnType<typeof createRpcMetrics>;

/**
 * The pool's metrics under `prefix` (chainlog_ingest_rpc, chainlog_processor_rpc…). Without a registry they go to
 * a private one (a command-line export has no /metrics).
 */
export function createRpcMetrics(registry: Registry = new Registry(), prefix = "chainlog_ingest_rpc") {
  const registers = [registry];
  const byEndpoint = ["endpoint"] as const;
  const counter = <L extends string = "endpoint">(
    name: string,
    help: string,
    labelNames: readonly L[] = byEndpoint as readonly string[] as readonly L[],
  ) => new Counter<L>({ name: `${prefix}_${name}`, help, labelNames, registers });
  const gauge = (name: string, help: string) =>
    new Gauge({ name: `${prefix}_${name}`, help, labelNames: byEndpoint, registers });
  return {
    requests: counter("requests_total", "JSON-RPC calls sent (a batch counts each call)"),
    errors: counter(
      "errors_total",
      "Failed requests by class (transient, split, rate-limited, permanent, fatal)",
      ["endpoint", "class"] as const,
    ),
    permanent: counter(
      "permanent_errors_total",
      "Permanent answers (never retried) by method and kind (unsupported, missing-state, reverted, invalid-params)",
      ["method", "kind"] as const,
    ),
    latency: new Histogram({
      name: `${prefix}_latency_seconds`,
      help: "HTTP round trip of one request or batch",
      labelNames: byEndpoint,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lag: gauge("head_lag_blocks", "Blocks behind the best endpoint's head"),
    healthy: gauge("endpoint_healthy", "1 when the endpoint is in rotation"),
    rate: gauge("rate_limit_rps", "Current adaptive request-rate limit (-1: unlimited)"),
    concurrency: gauge("concurrency", "Current adaptive limit of requests in flight to the endpoint"),
    retries: counter("retries_total", "Calls that failed on this endpoint and were retried on another"),
    failovers: counter(
      "failovers_total",
      "Times the serving endpoint changed because this one left the rotation",
    ),
  };
}
