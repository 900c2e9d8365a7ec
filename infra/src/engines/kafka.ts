import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../settings.ts";
import { engines } from "../versions.ts";
import { spreadPolicy } from "./placement.ts";

export const kafkaClusterName = "chainlog";
export const busTopics = ["chainlog.blocks", "chainlog.processed"] as const;
const kafkaMetricsConfigMap = "kafka-metrics";

/**
 * A Strimzi Kafka cluster in KRaft mode: one node pool whose nodes are both controllers and brokers, spread one per
 * zone with rack awareness so each partition's replicas land in different zones. Producers use acks=all, so with
 * RF=3 and min.insync.replicas=2 a write survives the loss of any one zone.
 */
export function createKafka(
  s: StackSettings,
  provider: k8s.Provider,
  namespace: pulumi.Input<string>,
  dependsOn: pulumi.Resource[],
): { bootstrap: string } {
  const k = s.kafka;
  const zoned = s.cloud !== undefined;
  // Broker metrics through Strimzi's JMX exporter (port tcp-prometheus, 9404): under-replicated and offline
  // partitions, ISR shrinks, request rates, bytes in/out. The engine alerts and dashboards read these.
  const metrics = new k8s.core.v1.ConfigMap(
    "kafka-metrics",
    {
      metadata: { name: kafkaMetricsConfigMap, namespace },
      data: {
        "kafka-metrics-config.yml": [
          "lowercaseOutputName: true",
          "rules:",
          '  - pattern: "kafka.server<type=(.+), name=(.+)PerSec\\w*, topic=(.+)><>Count"',
          '    name: "kafka_server_$1_$2_total"',
          "    type: COUNTER",
          '    labels: { topic: "$3" }',
          '  - pattern: "kafka.server<type=(.+), name=(.+)PerSec\\w*><>Count"',
          '    name: "kafka_server_$1_$2_total"',
          "    type: COUNTER",
          '  - pattern: "kafka.(\\w+)<type=(.+), name=(.+)><>Value"',
          '    name: "kafka_$1_$2_$3"',
          "    type: GAUGE",
          '  - pattern: "kafka.(\\w+)<type=(.+), name=(.+)><>Count"',
          '    name: "kafka_$1_$2_$3_count"',
          "    type: COUNTER",
          "",
        ].join("\n"),
      },
    },
    { provider },
  );
  const kafka = new k8s.apiextensions.CustomResource(
    "kafka",
    {
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "Kafka",
      metadata: {
        name: kafkaClusterName,
        namespace,
        annotations: { "strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled" },
      },
      spec: {
        kafka: {
          version: engines.kafka,
          listeners: [
            {
              name: "plain",
              port: 9092,
              type: "internal",
              tls: false,
              // Only Chainlog's own pods, and KEDA reading the processor's consumer lag, may reach the brokers.
              networkPolicyPeers: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": s.namespace } },
                  podSelector: { matchLabels: { "app.kubernetes.io/part-of": "chainlog" } },
                },
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "keda" } } },
              ],
            },
          ],
          ...(zoned ? { rack: { topologyKey: "topology.kubernetes.io/zone" } } : {}),
          config: {
            "default.replication.factor": k.replicationFactor,
            "min.insync.replicas": k.minInsyncReplicas,
            "offsets.topic.replication.factor": k.replicationFactor,
            "transaction.state.log.replication.factor": k.replicationFactor,
            "transaction.state.log.min.isr": k.minInsyncReplicas,
            "unclean.leader.election.enable": false,
            "auto.create.topics.enable": false,
          },
          metricsConfig: {
            type: "jmxPrometheusExporter",
            valueFrom: { configMapKeyRef: { name: kafkaMetricsConfigMap, key: "kafka-metrics-config.yml" } },
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
    { provider, dependsOn: [...dependsOn, metrics] },
  );
  new k8s.apiextensions.CustomResource(
    "kafka-pool",
    {
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "KafkaNodePool",
      metadata: { name: "dual", namespace, labels: { "strimzi.io/cluster": kafkaClusterName } },
      spec: {
        replicas: k.brokers,
        roles: ["controller", "broker"],
        storage: {
          type: "jbod",
          volumes: [
            {
              id: 0,
              type: "persistent-claim",
              size: `${k.storageGi}Gi`,
              class: s.storageClass,
              deleteClaim: false,
              kraftMetadata: "shared",
            },
          ],
        },
        resources: zoned
          ? { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } }
          : { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        template: {
          pod: { topologySpreadConstraints: spreadPolicy(zoned, { "strimzi.io/cluster": kafkaClusterName }) },
        },
      },
    },
    { provider, dependsOn },
  );
  for (const topic of busTopics) {
    new k8s.apiextensions.CustomResource(
      `topic-${topic}`,
      {
        apiVersion: "kafka.strimzi.io/v1beta2",
        kind: "KafkaTopic",
        metadata: { name: topic, namespace, labels: { "strimzi.io/cluster": kafkaClusterName } },
        spec: {
          partitions: k.partitions,
          replicas: k.replicationFactor,
          config: {
            "min.insync.replicas": k.minInsyncReplicas,
            "retention.ms": 7 * 24 * 3600 * 1000,
            "cleanup.policy": "delete",
          },
        },
      },
      { provider, dependsOn: [kafka] },
    );
  }
  return { bootstrap: `${kafkaClusterName}-kafka-bootstrap.${s.dataNamespace}.svc:9092` };
}
