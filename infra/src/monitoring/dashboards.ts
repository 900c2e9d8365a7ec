/** Grafana dashboards as code: plain dashboard JSON, rendered into ConfigMaps the Grafana sidecar loads. */

interface Panel {
  title: string;
  expr: string;
  unit: string;
}

function dashboard(uid: string, title: string, panels: Panel[]) {
  return {
    uid,
    title,
    schemaVersion: 39,
    version: 1,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    tags: ["chainlog"],
    templating: { list: [] },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      datasource: { type: "prometheus", uid: "prometheus" },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: [{ refId: "A", expr: p.expr }],
    })),
  };
}

export const dashboards = {
  "chainlog-overview": dashboard("chainlog-overview", "Chainlog overview", [
    {
      title: "Pods up by service",
      expr: 'sum by (app_kubernetes_io_name) (up{namespace="chainlog"})',
      unit: "short",
    },
    {
      title: "CPU by service",
      expr: 'sum by (app_kubernetes_io_name) (rate(process_cpu_seconds_total{namespace="chainlog"}[5m]))',
      unit: "cores",
    },
    {
      title: "Resident memory by pod",
      expr: 'process_resident_memory_bytes{namespace="chainlog"}',
      unit: "bytes",
    },
    {
      title: "Event-loop lag p99",
      expr: 'max by (pod) (nodejs_eventloop_lag_p99_seconds{namespace="chainlog"})',
      unit: "s",
    },
  ]),
  "chainlog-pipeline": dashboard("chainlog-pipeline", "Chainlog pipeline", [
    {
      title: "Processor consumer lag (KEDA)",
      expr: 'max(keda_scaler_metrics_value{scaledObject="processor"})',
      unit: "short",
    },
    {
      title: "Processor replicas",
      expr: 'kube_deployment_status_replicas{namespace="chainlog",deployment="processor"}',
      unit: "short",
    },
    {
      title: "Web request rate by status",
      expr: "sum by (status) (rate(chainlog_web_http_requests_total[5m]))",
      unit: "reqps",
    },
    {
      title: "Web latency p99",
      expr: "histogram_quantile(0.99, sum by (le) (rate(chainlog_web_http_request_duration_seconds_bucket[5m])))",
      unit: "s",
    },
  ]),
};
