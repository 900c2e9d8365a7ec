import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Network } from "../network/vpc.ts";
import type { CloudSettings } from "../settings.ts";
import type { OidcIssuer } from "./irsa.ts";

export interface Cluster {
  name: string;
  /** Add-ons name the cluster by its string name: they must depend on it explicitly. */
  resource: eks.Cluster;
  provider: k8s.Provider;
  oidc: OidcIssuer;
  /** The EKS-created group every managed node (and so every pod, VPC CNI without per-pod groups) carries. */
  podSecurityGroupId: pulumi.Output<string>;
}

const nodePolicies = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

/**
 * EKS with a private API endpoint (public only for the listed CIDRs), an OIDC provider for IRSA, and one managed
 * node group per zone: the cluster autoscaler can then add a node in the zone where a pending pod's volume lives.
 */
export function createCluster(name: string, cloud: CloudSettings, network: Network): Cluster {
  const nodeRole = new aws.iam.Role(`${name}-node`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  nodePolicies.forEach((arn, i) => {
    new aws.iam.RolePolicyAttachment(`${name}-node-${i}`, { role: nodeRole.name, policyArn: arn });
  });

  const cluster = new eks.Cluster(name, {
    name,
    version: cloud.kubernetesVersion,
    vpcId: network.vpc.id,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    nodeAssociatePublicIpAddress: false,
    endpointPrivateAccess: true,
    endpointPublicAccess: cloud.publicApiCidrs.length > 0,
    publicAccessCidrs: cloud.publicApiCidrs.length > 0 ? cloud.publicApiCidrs : undefined,
    skipDefaultNodeGroup: true,
    // Managed node groups carry only the security group EKS creates for the cluster; the component's own
    // node/cluster groups serve self-managed nodes, which this stack has none of. With this, both
    // nodeSecurityGroupId and clusterSecurityGroupId are that EKS group: what pods' traffic comes from.
    skipDefaultSecurityGroups: true,
    // The VPC CNI enforces NetworkPolicies only with its policy agent on; without it every policy of
    // src/services/network-policies.ts would be accepted and silently ignored.
    vpcCniOptions: { enableNetworkPolicy: true },
    createOidcProvider: true,
    instanceRoles: [nodeRole],
    authenticationMode: eks.AuthenticationMode.Api,
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    tags: { "chainlog/stack": pulumi.getStack() },
  });

  network.privateSubnetIds.forEach((subnetId, i) => {
    new eks.ManagedNodeGroup(`${name}-zone-${i}`, {
      cluster,
      nodeRole,
      subnetIds: [subnetId],
      instanceTypes: cloud.nodeInstanceTypes,
      scalingConfig: {
        minSize: cloud.nodesPerZone.min,
        desiredSize: cloud.nodesPerZone.desired,
        maxSize: cloud.nodesPerZone.max,
      },
      // The autoscaler owns the size once running; re-running `pulumi up` must not undo its decisions.
      ignoreScalingChanges: true,
      labels: { "chainlog.dev/pool": "general" },
      tags: {
        "k8s.io/cluster-autoscaler/enabled": "true",
        [`k8s.io/cluster-autoscaler/${name}`]: "owned",
      },
    });
  });

  const provider = new k8s.Provider(name, {
    kubeconfig: cluster.kubeconfigJson,
    enableServerSideApply: true,
  });
  return {
    name,
    resource: cluster,
    provider,
    oidc: {
      providerArn: cluster.oidcProviderArn,
      providerUrl: cluster.oidcProviderUrl.apply((u) => u.replace(/^https:\/\//, "")),
    },
    podSecurityGroupId: cluster.clusterSecurityGroupId,
  };
}
