import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { busTopics } from "../engines/kafka.ts";
import type { ScaleRange, ServiceName } from "../settings.ts";
import { charts } from "../versions.ts";

export const processorGroup = "processor";

/** KEDA's operator ServiceAccount (the chart's default name), the one its IRSA role trusts. */
export const kedaNamespace = "keda";
export const kedaOperatorServiceAccount = "keda-operator";

/**
 * KEDA; with MSK its operator signs the lag scaler's IAM requests with its own IRSA role (`mskRoleArn`, read-only
 * on the cluster's groups and topics), so the TriggerAuthentication uses identityOwner `keda`.
 */
export function installKeda(
  provider: k8s.Provider,
  mskRoleArn: pulumi.Input<string> | undefined,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    "keda",
    {
      name: "keda",
      namespace: kedaNamespace,
      createNamespace: true,
      chart: charts.keda.chart,
      version: charts.keda.version,
      repositoryOpts: { repo: charts.keda.repo },
      values: mskRoleArn
        ? {
            podIdentity: { aws: { irsa: { enabled: true, roleArn: mskRoleArn } } },
            serviceAccount: { operator: { name: kedaOperatorServiceAccount } },
          }
        : {},
    },
    { provider },
  );
}

/** CPU-based HPA (target 70 %) for the request-serving services. */
export function createCpuHpa(
  name: ServiceName,
  namespace: pulumi.Input<string>,
  range: ScaleRange,
  provider: k8s.Provider,
): k8s.autoscaling.v2.HorizontalPodAutoscaler {
  return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    name,
    {
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: range.min,
        maxReplicas: range.max,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    },
    { provider },
  );
}

/**
 * KEDA scales the processor on its consumer-group lag. It gets no HPA of its own (KEDA creates and owns one), and
 * its ceiling is the partition count: a consumer beyond that would sit idle.
 */
export function createLagScaler(
  namespace: pulumi.Input<string>,
  range: ScaleRange,
  partitions: number,
  brokers: pulumi.Input<string>,
  msk: { region: string } | undefined,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): k8s.apiextensions.CustomResource {
  const auth = msk
    ? new k8s.apiextensions.CustomResource(
        "processor-msk-auth",
        {
          apiVersion: "keda.sh/v1alpha1",
          kind: "TriggerAuthentication",
          metadata: { name: "processor-msk", namespace },
          // identityOwner keda: the operator's own role (installKeda); "workload" would need KEDA to assume
          // the processor's role, which no trust policy allows.
          spec: { podIdentity: { provider: "aws", identityOwner: "keda" } },
        },
        { provider, dependsOn },
      )
    : undefined;
  return new k8s.apiextensions.CustomResource(
    "processor-scaler",
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "processor", namespace },
      spec: {
        scaleTargetRef: { name: "processor" },
        minReplicaCount: range.min,
        maxReplicaCount: Math.min(range.max, partitions),
        pollingInterval: 15,
        cooldownPeriod: 300,
        triggers: [
          {
            type: "kafka",
            metadata: {
              bootstrapServers: brokers,
              consumerGroup: processorGroup,
              topic: busTopics[0],
              lagThreshold: "500",
              allowIdleConsumers: "false",
              offsetResetPolicy: "earliest",
              ...(msk ? { sasl: "aws_msk_iam", tls: "enable", awsRegion: msk.region } : {}),
            },
            ...(auth ? { authenticationRef: { name: "processor-msk" } } : {}),
          },
        ],
      },
    },
    { provider, dependsOn: auth ? [...dependsOn, auth] : dependsOn },
  );
}
