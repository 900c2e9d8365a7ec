import { Counter, Gauge, Histogram, type Registry } from "@chainlog/telemetry";

export type RpcMetrics = ReturnType<typeof createRpcMetrics>;

export function createRpcMetrics(registry: Registry) {
  const labelNames = ["endpoint"] as const;
  return {
    requests: new Counter({
      name: "chainlog_ingest_rpc_requests_total",
      help: "JSON-RPC calls sent (a batch counts each call)",
      labelNames,
      registers: [registry],
    }),
    errors: new Counter({
      name: "chainlog_ingest_rpc_errors_total",
      help: "Failed requests by class (retry, split, rate-limited, unsupported, fatal)",
      labelNames: ["endpoint", "class"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "chainlog_ingest_rpc_latency_seconds",
      help: "HTTP round trip of one request or batch",
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    lag: new Gauge({
      name: "chainlog_ingest_rpc_head_lag_blocks",
      help: "Blocks behind the best endpoint's head",
      labelNames,
      registers: [registry],
    }),
    healthy: new Gauge({
      name: "chainlog_ingest_rpc_endpoint_healthy",
      help: "1 when the endpoint is in rotation",
      labelNames,
      registers: [registry],
    }),
    rate: new Gauge({
      name: "chainlog_ingest_rpc_rate_limit_rps",
      help: "Current adaptive request-rate limit (-1: unlimited)",
      labelNames,
      registers: [registry],
    }),
    retries: new Counter({
      name: "chainlog_ingest_rpc_retries_total",
      help: "Calls that failed on this endpoint and were retried on another",
      labelNames,
      registers: [registry],
    }),
    failovers: new Counter({
      name: "chainlog_ingest_rpc_failovers_total",
      help: "Times the serving endpoint changed because this one left the rotation",
      labelNames,
      registers: [registry],
    }),
  };
}
