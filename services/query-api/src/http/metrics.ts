import { Counter, Histogram, type Registry, registeredMetric } from "@chainlog/telemetry";

export interface HttpMetrics {
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Request count and latency by route template (never the raw URL, so label cardinality stays bounded). */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const labelNames = ["method", "route", "status"];
  const requests = registeredMetric(registry, Counter, {
    name: "chainlog_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames,
  });
  const duration = registeredMetric(registry, Histogram, {
    name: "chainlog_http_request_duration_seconds",
    help: "HTTP request latency, by method, route template and status",
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  return {
    observe(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
