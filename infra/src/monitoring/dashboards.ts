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

/** The Grafana datasource the warehouse panels query: Athena over the lake's Glue database. */
export const ATHENA_DATASOURCE = { type: "grafana-athena-datasource", uid: "athena" } as const;

interface ModelPanel {
  title: string;
  /** The model (packages/lake/models/<model>.sql) the panel reads, run through Athena as a subquery. */
  model: string;
  /** SELECT list over the model's rows, aliased m. */
  select: string;
  kind: "timeseries" | "table";
  unit?: string;
}

const modelPanels: ModelPanel[] = [
  {
    title: "Transactions per day (lake)",
    model: "daily_transactions_fees",
    select: `date_parse(m."date", '%Y-%m-%d') AS time, m.transactions, m.blocks`,
    kind: "timeseries",
    unit: "short",
  },
  {
    title: "Fees per day, ETH (lake)",
    model: "daily_transactions_fees",
    select: `date_parse(m."date", '%Y-%m-%d') AS time, CAST(m.fees_wei AS double) / 1e18 AS fees_eth`,
    kind: "timeseries",
    unit: "none",
  },
  {
    title: "Daily active addresses (lake)",
    model: "daily_active_addresses",
    select: `date_parse(m."date", '%Y-%m-%d') AS time, m.active_addresses, m.senders`,
    kind: "timeseries",
    unit: "short",
  },
  {
    title: "Effective gas price p50 / p90, gwei (lake)",
    model: "gas_price_percentiles",
    select: `date_parse(m."date", '%Y-%m-%d') AS time, m.p50 / 1e9 AS p50, m.p90 / 1e9 AS p90`,
    kind: "timeseries",
    unit: "none",
  },
  {
    title: "Top tokens by transfers (lake)",
    model: "top_tokens",
    select: "m.rank, m.token_address, m.transfers, m.addresses",
    kind: "table",
  },
  {
    title: "DEX pools, last 7 days (lake)",
    model: "dex_pools_daily",
    select: `m."date", m.pool, m.swaps, m.volume0_raw, m.volume1_raw, m.close_price, m.day_complete`,
    kind: "table",
  },
];

/**
 * The warehouse dashboard: panels fed by the lake's SQL models through Athena (each model's own SQL, the one
 * DuckDB runs locally, as a subquery), next to the pipeline's Prometheus dashboards.
 */
export function warehouseDashboard(
  models: { name: string; sql: string }[],
  athena: { region: string; database: string; workgroup: string },
) {
  const sqlOf = (name: string) => {
    const m = models.find((x) => x.name === name);
    if (!m) throw new Error(`no lake model ${name}`);
    return m.sql;
  };
  return {
    uid: "chainlog-warehouse",
    title: "Chainlog warehouse (lake models)",
    schemaVersion: 39,
    version: 1,
    editable: false,
    time: { from: "now-30d", to: "now" },
    refresh: "1h",
    tags: ["chainlog", "lake"],
    templating: { list: [] },
    panels: modelPanels.map((p, i) => {
      const last7 =
        p.model === "dex_pools_daily"
          ? ` WHERE m."date" >= CAST(current_date - interval '7' day AS varchar)`
          : "";
      return {
        id: i + 1,
        type: p.kind,
        title: p.title,
        datasource: ATHENA_DATASOURCE,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
        targets: [
          {
            refId: "A",
            datasource: ATHENA_DATASOURCE,
            // 0: time series, 1: table
            format: p.kind === "timeseries" ? 0 : 1,
            connectionArgs: {
              region: athena.region,
              catalog: "AwsDataCatalog",
              database: athena.database,
              resultReuseEnabled: true,
              resultReuseMaxAgeInMinutes: 60,
            },
            rawSQL: `SELECT ${p.select} FROM (\n${sqlOf(p.model)}\n) m${last7}`,
          },
        ],
      };
    }),
  };
}
