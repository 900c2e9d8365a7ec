import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "../../settings.ts";

/**
 * Amazon MSK with IAM auth only (no unauthenticated or SCRAM listener) and TLS everywhere, brokers in the private
 * subnets of the three zones. Clients sign with aws-msk-iam-sasl-signer-js through their IRSA role.
 */
export function createMsk(
  s: StackSettings,
  vpcId: pulumi.Input<string>,
  subnetIds: pulumi.Input<string>[],
  clientSecurityGroupId: pulumi.Input<string>,
): { bootstrap: pulumi.Output<string>; arn: pulumi.Output<string> } {
  const sg = new aws.ec2.SecurityGroup("msk", {
    vpcId,
    description: "MSK brokers: IAM listener from the EKS nodes' (pods') security group only",
    ingress: [{ protocol: "tcp", fromPort: 9098, toPort: 9098, securityGroups: [clientSecurityGroupId] }],
    egress: [],
  });
  const config = new aws.msk.Configuration("msk", {
    kafkaVersions: ["3.9.x"],
    serverProperties: [
      `default.replication.factor=${s.kafka.replicationFactor}`,
      `min.insync.replicas=${s.kafka.minInsyncReplicas}`,
      "unclean.leader.election.enable=false",
      "auto.create.topics.enable=false",
    ].join("\n"),
  });
  const cluster = new aws.msk.Cluster("msk", {
    kafkaVersion: "3.9.x",
    numberOfBrokerNodes: s.kafka.brokers,
    brokerNodeGroupInfo: {
      instanceType: "kafka.m7g.large",
      clientSubnets: subnetIds,
      securityGroups: [sg.id],
      storageInfo: { ebsStorageInfo: { volumeSize: s.kafka.storageGi } },
      connectivityInfo: { publicAccess: { type: "DISABLED" } },
    },
    clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
    encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
    configurationInfo: { arn: config.arn, revision: config.latestRevision },
  });
  return { bootstrap: cluster.bootstrapBrokersSaslIam, arn: cluster.arn };
}
