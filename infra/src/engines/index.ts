import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Network } from "../network/vpc.ts";
import type { StackSettings } from "../settings.ts";
import { createCassandra } from "./cassandra.ts";
import { createKafka } from "./kafka.ts";
import { createDocumentDb } from "./managed/documentdb.ts";
import { createKeyspace } from "./managed/keyspaces.ts";
import { createMsk } from "./managed/msk.ts";
import { createMongo } from "./mongodb.ts";
import { installOperators } from "./operators.ts";

/** What the services need to reach the engines, whichever way each one is provided. */
export interface EngineEndpoints {
  kafkaBrokers: pulumi.Input<string>;
  cassandraContactPoints: string;
  cassandraLocalDc: string;
  mongodbUrl: pulumi.Output<string>;
  /** ARNs the services' IRSA roles must be allowed to use (managed engines authenticate with IAM). */
  mskArn?: pulumi.Output<string>;
  keyspaceArn?: pulumi.Output<string>;
  /** The engines' namespace (backups and monitors in it wait for it). */
  dataNamespace: k8s.core.v1.Namespace;
  /** Egress the services need beyond the cluster: in-cluster engines need none. */
  managed: { kafka: boolean; cassandra: boolean; mongodb: boolean };
}

export interface AwsContext {
  network: Network;
  /** The security group pods' traffic carries: managed databases admit it. */
  podSecurityGroupId: pulumi.Output<string>;
}

export function createEngines(
  s: StackSettings,
  provider: k8s.Provider,
  aws: AwsContext | undefined,
): EngineEndpoints {
  const dataNs = new k8s.core.v1.Namespace(
    "data",
    { metadata: { name: s.dataNamespace, labels: { "app.kubernetes.io/part-of": "chainlog" } } },
    { provider },
  );
  const ns = dataNs.metadata.name;
  const ops = installOperators(provider, dataNs, {
    kafka: s.installOperators && s.kafka.mode === "strimzi",
    cassandra: s.installOperators && s.cassandra.mode === "operator",
    mongodb: s.installOperators && s.mongodb.mode === "operator",
  });
  const needAws = (what: string): AwsContext => {
    if (!aws) throw new Error(`${what} needs the AWS network`);
    return aws;
  };

  let kafkaBrokers: pulumi.Input<string>;
  let mskArn: pulumi.Output<string> | undefined;
  if (s.kafka.mode === "msk") {
    const a = needAws("MSK");
    const msk = createMsk(s, a.network.vpc.id, a.network.privateSubnetIds, a.podSecurityGroupId);
    kafkaBrokers = msk.bootstrap;
    mskArn = msk.arn;
  } else {
    kafkaBrokers = createKafka(s, provider, ns, ops.strimzi ? [ops.strimzi] : []).bootstrap;
  }

  let cassandraContactPoints: string;
  let cassandraLocalDc: string;
  let keyspaceArn: pulumi.Output<string> | undefined;
  if (s.cassandra.mode === "keyspaces") {
    const ks = createKeyspace(s);
    cassandraContactPoints = ks.contactPoints;
    cassandraLocalDc = ks.localDc;
    keyspaceArn = ks.arn;
  } else {
    const c = createCassandra(
      s,
      provider,
      ns,
      aws?.network.zones,
      ops.cassOperator ? [ops.cassOperator] : [],
    );
    cassandraContactPoints = c.contactPoints;
    cassandraLocalDc = c.localDc;
  }

  let mongodbUrl: pulumi.Output<string>;
  if (s.mongodb.mode === "documentdb") {
    const a = needAws("DocumentDB");
    mongodbUrl = createDocumentDb(s, a.network.privateSubnetIds, a.network.vpc.id, a.podSecurityGroupId).url;
  } else if (s.mongodb.mode === "atlas") {
    const url = s.secrets.mongodbUrl;
    if (!url) throw new Error("mongodbUrl is required with mongodb.mode=atlas");
    mongodbUrl = url;
  } else {
    mongodbUrl = createMongo(s, provider, ns, ops.mongodb ? [ops.mongodb] : []).url;
  }

  const inCluster =
    s.kafka.mode === "strimzi" || s.cassandra.mode === "operator" || s.mongodb.mode === "operator";
  if (inCluster) {
    // Engine pods accept traffic only from their own namespace (replication, operators) and from Chainlog's
    // services; Strimzi adds its own narrower policies for the brokers on top.
    new k8s.networking.v1.NetworkPolicy(
      "data-ingress",
      {
        metadata: { name: "engines-ingress", namespace: ns },
        spec: {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                { podSelector: {} },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": s.namespace } } },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "strimzi" } } },
                ...(s.monitoring
                  ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]
                  : []),
              ],
            },
          ],
        },
      },
      { provider },
    );
  }

  return {
    dataNamespace: dataNs,
    kafkaBrokers,
    cassandraContactPoints,
    cassandraLocalDc,
    mongodbUrl,
    mskArn,
    keyspaceArn,
    managed: {
      kafka: s.kafka.mode === "msk",
      cassandra: s.cassandra.mode === "keyspaces",
      mongodb: s.mongodb.mode !== "operator",
    },
  };
}
