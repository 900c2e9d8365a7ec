import { loadModels } from "@chainlog/lake";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole, type OidcIssuer } from "../cluster/irsa.ts";
import { cassandraClusterName } from "../engines/cassandra.ts";
import { kafkaClusterName } from "../engines/kafka.ts";
import { mongoMetricsSecret, mongoName } from "../engines/mongodb.ts";
import { appLabels } from "../services/workload.ts";
import { type StackSettings, serviceNames } from "../settings.ts";
import { charts } from "../versions.ts";
import { ATHENA_DATASOURCE, dashboards, warehouseDashboard } from "./dashboards.ts";

/** The lake's Athena side, on AWS stacks: Grafana's warehouse panels query it. */
export interface WarehouseSettings {
  database: string;
  workgroup: string;
  region: string;
  oidc: OidcIssuer;
  bucketArn: pulumi.Output<string>;
}

/** Grafana's own ServiceAccount in kube-prometheus-stack (release name + "-grafana"). */
const GRAFANA_SERVICE_ACCOUNT = "kube-prometheus-stack-grafana";

const releaseLabel = { release: "kube-prometheus-stack" };

/**
 * Dashboards always ship as ConfigMaps (any Grafana with the dashboard sidecar picks them up). With
 * `chainlog:monitoring` the stack also installs kube-prometheus-stack and one ServiceMonitor per service;
 * without it, the pods' prometheus.io annotations serve an existing Prometheus.
 */
export function createMonitoring(
  s: StackSettings,
  provider: k8s.Provider,
  appNamespace: pulumi.Input<string>,
  dependsOn: pulumi.Resource[],
  warehouse?: WarehouseSettings,
): void {
  const all: Record<string, unknown> = { ...dashboards };
  if (warehouse) all["chainlog-warehouse"] = warehouseDashboard(loadModels(), warehouse);
  for (const [name, json] of Object.entries(all)) {
    new k8s.core.v1.ConfigMap(
      `dashboard-${name}`,
      {
        metadata: { name: `dashboard-${name}`, namespace: appNamespace, labels: { grafana_dashboard: "1" } },
        data: { [`${name}.json`]: JSON.stringify(json) },
      },
      { provider, dependsOn },
    );
  }
  if (!s.monitoring) return;
  const password = s.secrets.grafanaAdminPassword;
  if (!password) throw new Error("grafanaAdminPassword is required with chainlog:monitoring=true");
  const ns = new k8s.core.v1.Namespace("monitoring", { metadata: { name: "monitoring" } }, { provider });
  const admin = new k8s.core.v1.Secret(
    "grafana-admin",
    {
      metadata: { name: "grafana-admin", namespace: ns.metadata.name },
      type: "Opaque",
      stringData: { "admin-user": "admin", "admin-password": password },
    },
    { provider },
  );
  // Grafana reads the lake through Athena with a role only its ServiceAccount can assume: run queries in the
  // lake's workgroup, read the catalog and the bucket, write results under athena-results/.
  const athenaRole = warehouse
    ? createIrsaRole(
        `${s.stack}-grafana-athena`,
        warehouse.oidc,
        "monitoring",
        GRAFANA_SERVICE_ACCOUNT,
        pulumi.all([warehouse.bucketArn]).apply(([bucket]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: [
                  "athena:StartQueryExecution",
                  "athena:GetQueryExecution",
                  "athena:GetQueryResults",
                  "athena:StopQueryExecution",
                  "athena:GetWorkGroup",
                  "athena:ListNamedQueries",
                  "athena:GetNamedQuery",
                ],
                Resource: `arn:aws:athena:${warehouse.region}:*:workgroup/${warehouse.workgroup}`,
              },
              {
                Effect: "Allow",
                Action: ["athena:ListWorkGroups", "athena:ListDataCatalogs", "athena:ListDatabases"],
                Resource: "*",
              },
              {
                Effect: "Allow",
                Action: [
                  "glue:GetDatabase",
                  "glue:GetDatabases",
                  "glue:GetTable",
                  "glue:GetTables",
                  "glue:GetPartitions",
                ],
                Resource: [
                  `arn:aws:glue:${warehouse.region}:*:catalog`,
                  `arn:aws:glue:${warehouse.region}:*:database/${warehouse.database}`,
                  `arn:aws:glue:${warehouse.region}:*:table/${warehouse.database}/*`,
                ],
              },
              { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucket },
              { Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucket}/lake/*` },
              {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                Resource: `${bucket}/athena-results/*`,
              },
              { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
            ],
          }),
        ),
      )
    : undefined;
  const stack = new k8s.helm.v3.Release(
    "kube-prometheus-stack",
    {
      name: "kube-prometheus-stack",
      namespace: ns.metadata.name,
      chart: charts.kubePrometheusStack.chart,
      version: charts.kubePrometheusStack.version,
      repositoryOpts: { repo: charts.kubePrometheusStack.repo },
      values: {
        grafana: {
          admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
          sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", searchNamespace: "ALL" } },
          ...(warehouse && athenaRole
            ? {
                plugins: ["grafana-athena-datasource"],
                serviceAccount: {
                  name: GRAFANA_SERVICE_ACCOUNT,
                  annotations: { "eks.amazonaws.com/role-arn": athenaRole.arn },
                },
                additionalDataSources: [
                  {
                    name: "Athena (lake)",
                    type: ATHENA_DATASOURCE.type,
                    uid: ATHENA_DATASOURCE.uid,
                    access: "proxy",
                    jsonData: {
                      authType: "default",
                      defaultRegion: warehouse.region,
                      catalog: "AwsDataCatalog",
                      database: warehouse.database,
                      workgroup: warehouse.workgroup,
                    },
                  },
                ],
              }
            : {}),
        },
        prometheus: {
          prometheusSpec: {
            serviceMonitorSelector: { matchLabels: releaseLabel },
            ruleSelector: { matchLabels: releaseLabel },
            podMonitorSelector: { matchLabels: releaseLabel },
            retention: "15d",
            // Without a volume the TSDB lives in an emptyDir and every restart or reschedule loses history.
            retentionSize: "45GB",
            storageSpec: {
              volumeClaimTemplate: {
                spec: {
                  storageClassName: s.storageClass,
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: "50Gi" } },
                },
              },
            },
          },
        },
      },
    },
    { provider, dependsOn: [admin] },
  );
  new k8s.apiextensions.CustomResource(
    "alerts",
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "chainlog-alerts", namespace: appNamespace, labels: releaseLabel },
      spec: { groups: alertGroups(s) },
    },
    { provider, dependsOn: [stack] },
  );
  if (s.kafka.mode === "strimzi") {
    // The brokers' JMX exporter (Kafka.spec.kafka.metricsConfig), reachable from the monitoring namespace by the
    // data namespace's ingress policy.
    new k8s.apiextensions.CustomResource(
      "monitor-kafka",
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "kafka", namespace: s.dataNamespace, labels: releaseLabel },
        spec: {
          // Brokers and the entity operator share these labels; only brokers have the tcp-prometheus port.
          selector: { matchLabels: { "strimzi.io/kind": "Kafka", "strimzi.io/cluster": "chainlog" } },
          podMetricsEndpoints: [{ port: "tcp-prometheus", path: "/metrics", interval: "30s" }],
        },
      },
      { provider, dependsOn: [stack] },
    );
  }
  if (s.cassandra.mode === "operator") {
    // cass-operator labels its all-pods Service for scraping; port `metrics` (9000) is the management API's
    // metrics endpoint inside each Cassandra pod (per-node, per-table metrics, no JMX agent needed).
    new k8s.apiextensions.CustomResource(
      "monitor-cassandra",
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "cassandra", namespace: s.dataNamespace, labels: releaseLabel },
        spec: {
          selector: {
            matchLabels: {
              "cassandra.datastax.com/prom-metrics": "true",
              "cassandra.datastax.com/datacenter": s.cassandra.datacenter,
            },
          },
          endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
        },
      },
      { provider, dependsOn: [stack] },
    );
  }
  if (s.mongodb.mode === "operator") {
    // The MongoDB agents' endpoint (MongoDBCommunity.spec.prometheus), basic auth from the operator's own Secret.
    const credential = (key: string) => ({ name: mongoMetricsSecret, key });
    new k8s.apiextensions.CustomResource(
      "monitor-mongodb",
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "mongodb", namespace: s.dataNamespace, labels: releaseLabel },
        spec: {
          selector: { matchLabels: { app: `${mongoName}-svc` } },
          endpoints: [
            {
              port: "prometheus",
              path: "/metrics",
              interval: "30s",
              basicAuth: { username: credential("username"), password: credential("password") },
            },
          ],
        },
      },
      { provider, dependsOn: [stack] },
    );
  }
  for (const name of serviceNames) {
    new k8s.apiextensions.CustomResource(
      `monitor-${name}`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name, namespace: appNamespace, labels: releaseLabel },
        spec: {
          selector: { matchLabels: appLabels(name) },
          // The web's /metrics is on its own port, never the public one.
          endpoints: [{ port: name === "web" ? "metrics" : "http", path: "/metrics", interval: "30s" }],
        },
      },
      { provider, dependsOn: [stack, ...dependsOn] },
    );
  }
}

/**
 * Pipeline lag, stuck stages and engine health, from the services' own metrics (packages/telemetry) and
 * kube-state-metrics (part of kube-prometheus-stack).
 */
export function alertGroups(
  s: Pick<StackSettings, "namespace" | "dataNamespace" | "kafka" | "cassandra" | "mongodb">,
) {
  const appNamespace = s.namespace;
  const dataNamespace = s.dataNamespace;
  const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string) => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: { summary },
  });
  // Scrape targets of the engines' own exporters (ServiceMonitors / PodMonitor above): a node whose metrics
  // endpoint is gone is down or wedged even while its pod still reports ready.
  const targetDown = (deployed: boolean, alert: string, selector: string, what: string) =>
    deployed
      ? [
          rule(
            alert,
            `up{namespace="${dataNamespace}", ${selector}} == 0`,
            "5m",
            "critical",
            `${what} has not answered for 5 minutes`,
          ),
        ]
      : [];
  return [
    {
      name: "chainlog-pipeline",
      rules: [
        rule(
          "ChainlogIngestStuck",
          "time() - max(chainlog_ingest_last_progress_timestamp_seconds) > 300",
          "5m",
          "critical",
          "ingest has published no block for 5 minutes",
        ),
        rule(
          "ChainlogIngestBehindHead",
          "max(chainlog_ingest_lag_blocks) > 100",
          "15m",
          "warning",
          "ingest is more than 100 blocks behind the chain head",
        ),
        rule(
          "ChainlogProcessorStuck",
          "time() - max(chainlog_processor_last_progress_timestamp_seconds) > 300",
          "5m",
          "critical",
          "the processor has stored no block for 5 minutes",
        ),
        rule(
          "ChainlogConsumerLag",
          "sum(chainlog_processor_consumer_lag) > 10000",
          "15m",
          "warning",
          "the processor's consumer group is more than 10k messages behind",
        ),
        rule(
          // Fencing worked, but two ingests published at once: the lease or a host's clock is off.
          "ChainlogDeposedLeaderWrites",
          "sum(increase(chainlog_processor_fenced_messages_total[15m])) > 0",
          "0m",
          "warning",
          "the processor dropped messages of a deposed ingest leader (check the lease store and clocks)",
        ),
        rule(
          "ChainlogServiceDown",
          `up{namespace="${appNamespace}"} == 0`,
          "5m",
          "critical",
          "a Chainlog pod's metrics endpoint is unreachable",
        ),
      ],
    },
    {
      name: "chainlog-engines",
      rules: [
        rule(
          "ChainlogEnginePodNotReady",
          `min by (pod) (kube_pod_status_ready{namespace="${dataNamespace}", condition="true"}) == 0`,
          "10m",
          "critical",
          "a Kafka, Cassandra or MongoDB pod has not been ready for 10 minutes",
        ),
        rule(
          "ChainlogEngineRestarting",
          `increase(kube_pod_container_status_restarts_total{namespace="${dataNamespace}"}[30m]) > 3`,
          "0m",
          "warning",
          "an engine container restarted more than 3 times in 30 minutes",
        ),
        ...targetDown(
          s.cassandra.mode === "operator",
          "ChainlogCassandraNodeDown",
          `service="${cassandraClusterName}-${s.cassandra.datacenter}-all-pods-service"`,
          "a Cassandra node's management API (metrics)",
        ),
        ...targetDown(
          s.mongodb.mode === "operator",
          "ChainlogMongoDBMemberDown",
          `service="${mongoName}-svc"`,
          "a MongoDB replica set member's agent (metrics)",
        ),
        ...(s.kafka.mode === "strimzi"
          ? [
              rule(
                "ChainlogKafkaUnderReplicatedPartitions",
                `sum(kafka_server_replicamanager_underreplicatedpartitions{namespace="${dataNamespace}"}) > 0`,
                "10m",
                "warning",
                "Kafka partitions have fewer in-sync replicas than their replication factor",
              ),
              rule(
                "ChainlogKafkaOfflinePartitions",
                `sum(kafka_controller_kafkacontroller_offlinepartitionscount{namespace="${dataNamespace}"}) > 0`,
                "1m",
                "critical",
                "Kafka partitions have no leader: producers and consumers of them are stalled",
              ),
            ]
          : []),
        ...targetDown(
          s.kafka.mode === "strimzi",
          "ChainlogKafkaBrokerDown",
          `pod=~"${kafkaClusterName}-.*"`,
          "a Kafka broker's metrics endpoint",
        ),
        rule(
          "ChainlogEngineVolumeFilling",
          `kubelet_volume_stats_available_bytes{namespace="${dataNamespace}"} / kubelet_volume_stats_capacity_bytes{namespace="${dataNamespace}"} < 0.15`,
          "15m",
          "warning",
          "an engine volume has less than 15 % free",
        ),
      ],
    },
  ];
}
