import { Counter, Gauge, Histogram, Registry } from "@chainlog/telemetry";

export type RpcMetrics = ReturnType<typeof createRpcMetrics>;

/**
 * The pool's metrics under `prefix` (chainlog_ingest_rpc, chainlog_processor_rpc…). Without a registry they go to
 * a private one (a command-line export has no /metrics).
 */
export function createRpcMetrics(registry: Registry = new Registry(), prefix = "chainlog_ingest_rpc") {
  const labelNames = ["endpoint"] as const;
  const registers = [registry];
  return {
    requests: new Counter({
      name: `${prefix}_requests_total`,
      help: "JSON-RPC calls sent (a batch counts each call)",
      labelNames,
      registers,
    }),
    errors: new Counter({
      name: `${prefix}_errors_total`,
      help: "Failed requests by class (transient, split, rate-limited, permanent, fatal)",
      labelNames: ["endpoint", "class"] as const,
      registers,
    }),
    permanent: new Counter({
      name: `${prefix}_permanent_errors_total`,
      help: "Permanent answers (never retried) by method and kind (unsupported, missing-state, reverted, invalid-params)",
      labelNames: ["method", "kind"] as const,
      registers,
    }),
    latency: new Histogram({
      name: `${prefix}_latency_seconds`,
      help: "HTTP round trip of one request or batch",
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lag: new Gauge({
      name: `${prefix}_head_lag_blocks`,
      help: "Blocks behind the best endpoint's head",
      labelNames,
      registers,
    }),
    healthy: new Gauge({
      name: `${prefix}_endpoint_healthy`,
      help: "1 when the endpoint is in rotation",
      labelNames,
      registers,
    }),
    rate: new Gauge({
      name: `${prefix}_rate_limit_rps`,
      help: "Current adaptive request-rate limit (-1: unlimited)",
      labelNames,
      registers,
    }),
    concurrency: new Gauge({
      name: `${prefix}_concurrency`,
      help: "Current adaptive limit of requests in flight to the endpoint",
      labelNames,
      registers,
    }),
    retries: new Counter({
      name: `${prefix}_retries_total`,
      help: "Calls that failed on this endpoint and were retried on another",
      labelNames,
      registers,
    }),
    failovers: new Counter({
      name: `${prefix}_failovers_total`,
      help: "Times the serving endpoint changed because this one left the rotation",
      labelNames,
      registers,
    }),
  };
}
