import * as k8s from "@pulumi/kubernetes";
import { charts } from "../versions.ts";

export interface Operators {
  strimzi?: k8s.helm.v3.Release;
  cassOperator?: k8s.helm.v3.Release;
  mongodb?: k8s.helm.v3.Release;
}

/**
 * The engine operators as Helm releases. Strimzi runs in its own namespace and watches only the data namespace;
 * cass-operator and MongoDB Controllers for Kubernetes (successor of the deprecated Community Operator) run
 * namespace-scoped inside the data namespace, so none of them needs cluster-wide write access to workloads.
 */
export function installOperators(
  provider: k8s.Provider,
  dataNamespace: k8s.core.v1.Namespace,
  want: { kafka: boolean; cassandra: boolean; mongodb: boolean },
): Operators {
  const ns = dataNamespace.metadata.name;
  // One release per operator; the release name is also the Pulumi name, so existing stacks keep their URNs.
  const release = (
    name: string,
    chart: { chart: string; version: string; repo: string },
    args: Pick<k8s.helm.v3.ReleaseArgs, "namespace" | "createNamespace" | "values">,
  ) =>
    new k8s.helm.v3.Release(
      name,
      { name, chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo }, ...args },
      { provider, dependsOn: [dataNamespace] },
    );
  const out: Operators = {};
  if (want.kafka)
    out.strimzi = release("strimzi", charts.strimzi, {
      namespace: "strimzi",
      createNamespace: true,
      values: { watchNamespaces: [ns], resources: { requests: { cpu: "200m", memory: "384Mi" } } },
    });
  if (want.cassandra)
    out.cassOperator = release("cass-operator", charts.cassOperator, {
      namespace: ns,
      values: { global: { clusterScoped: false } },
    });
  if (want.mongodb)
    out.mongodb = release("mongodb-kubernetes", charts.mongodbKubernetes, {
      namespace: ns,
      values: { operator: { watchNamespace: ns, watchedResources: ["mongodbcommunity"] } },
    });
  return out;
}
