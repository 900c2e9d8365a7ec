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
  const out: Operators = {};
  if (want.kafka) {
    out.strimzi = new k8s.helm.v3.Release(
      "strimzi",
      {
        name: "strimzi",
        namespace: "strimzi",
        createNamespace: true,
        chart: charts.strimzi.chart,
        version: charts.strimzi.version,
        repositoryOpts: { repo: charts.strimzi.repo },
        values: { watchNamespaces: [ns], resources: { requests: { cpu: "200m", memory: "384Mi" } } },
      },
      { provider, dependsOn: [dataNamespace] },
    );
  }
  if (want.cassandra) {
    out.cassOperator = new k8s.helm.v3.Release(
      "cass-operator",
      {
        name: "cass-operator",
        namespace: ns,
        chart: charts.cassOperator.chart,
        version: charts.cassOperator.version,
        repositoryOpts: { repo: charts.cassOperator.repo },
        values: { global: { clusterScoped: false } },
      },
      { provider, dependsOn: [dataNamespace] },
    );
  }
  if (want.mongodb) {
    out.mongodb = new k8s.helm.v3.Release(
      "mongodb-kubernetes",
      {
        name: "mongodb-kubernetes",
        namespace: ns,
        chart: charts.mongodbKubernetes.chart,
        version: charts.mongodbKubernetes.version,
        repositoryOpts: { repo: charts.mongodbKubernetes.repo },
        values: { operator: { watchNamespace: ns, watchedResources: ["mongodbcommunity"] } },
      },
      { provider, dependsOn: [dataNamespace] },
    );
  }
  return out;
}
