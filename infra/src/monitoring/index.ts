import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { appLabels } from "../services/workload.ts";
import { type StackSettings, serviceNames } from "../settings.ts";
import { charts } from "../versions.ts";
import { dashboards } from "./dashboards.ts";

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
): void {
  for (const [name, json] of Object.entries(dashboards)) {
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
        },
        prometheus: {
          prometheusSpec: { serviceMonitorSelector: { matchLabels: releaseLabel }, retention: "15d" },
        },
      },
    },
    { provider, dependsOn: [admin] },
  );
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
