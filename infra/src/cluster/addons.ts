import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { charts } from "../versions.ts";
import type { Cluster } from "./eks.ts";
import { createIrsaRole } from "./irsa.ts";

const autoscalerSa = "cluster-autoscaler";

/**
 * Cluster-level add-ons every AWS stack needs: the EBS CSI driver (PVCs of Kafka, Cassandra and MongoDB) with an
 * encrypted gp3 class bound per zone, and the cluster autoscaler discovering the node groups by tag.
 */
export function createClusterAddons(
  cluster: Cluster,
  region: string,
): { storageClass: k8s.storage.v1.StorageClass } {
  const ebsRole = createIrsaRole(
    `${cluster.name}-ebs-csi`,
    cluster.oidc,
    "kube-system",
    "ebs-csi-controller-sa",
    undefined,
    ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
  );
  const ebs = new aws.eks.Addon(
    `${cluster.name}-ebs-csi`,
    {
      clusterName: cluster.name,
      addonName: "aws-ebs-csi-driver",
      serviceAccountRoleArn: ebsRole.arn,
      resolveConflictsOnUpdate: "PRESERVE",
    },
    { dependsOn: [cluster.resource] },
  );
  const storageClass = new k8s.storage.v1.StorageClass(
    "gp3",
    {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      // Bind where the pod lands, so a zone-spread StatefulSet gets a volume in each pod's zone.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Retain",
      parameters: { type: "gp3", encrypted: "true" },
    },
    { provider: cluster.provider, dependsOn: [ebs] },
  );

  // The CPU HorizontalPodAutoscalers (query-api, web) read pod metrics through the metrics API; EKS ships no
  // metrics-server unless this community add-on is installed.
  new aws.eks.Addon(
    `${cluster.name}-metrics-server`,
    {
      clusterName: cluster.name,
      addonName: "metrics-server",
      resolveConflictsOnUpdate: "OVERWRITE",
    },
    { dependsOn: [cluster.resource] },
  );

  const autoscalerRole = createIrsaRole(
    `${cluster.name}-autoscaler`,
    cluster.oidc,
    "kube-system",
    autoscalerSa,
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities",
            "autoscaling:DescribeTags",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup",
          ],
          Resource: "*",
        },
        {
          // Only groups tagged as owned by this cluster may be resized.
          Effect: "Allow",
          Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
          Resource: "*",
          Condition: {
            StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster.name}`]: "owned" },
          },
        },
      ],
    }),
  );
  new k8s.helm.v3.Release(
    "cluster-autoscaler",
    {
      name: "cluster-autoscaler",
      namespace: "kube-system",
      chart: charts.clusterAutoscaler.chart,
      version: charts.clusterAutoscaler.version,
      repositoryOpts: { repo: charts.clusterAutoscaler.repo },
      values: {
        cloudProvider: "aws",
        awsRegion: region,
        autoDiscovery: { clusterName: cluster.name },
        rbac: {
          serviceAccount: {
            name: autoscalerSa,
            annotations: { "eks.amazonaws.com/role-arn": autoscalerRole.arn },
          },
        },
        extraArgs: {
          "balance-similar-node-groups": true,
          "skip-nodes-with-local-storage": false,
          expander: "least-waste",
        },
      },
    },
    { provider: cluster.provider },
  );
  return { storageClass };
}
